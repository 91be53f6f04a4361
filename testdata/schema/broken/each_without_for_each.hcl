# expect: 6: Reference to "each" in context without for_each
defaults { location = "us-west" }
server "web" {
  count   = 1
  name    = "web-01"
  plan_id = each.value
  os_id   = 5
}
