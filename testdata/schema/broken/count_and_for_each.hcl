# expect: 4: Invalid combination of "count" and "for_each"
server "web" {
  count    = 2
  for_each = toset(["a", "b"])
  name     = "web-x"
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}
