# expect: 5: Duplicate server name
defaults { location = "us-west" }
server "web" {
  count   = 2
  name    = "web-01"
  plan_id = 1
  os_id   = 5
}
