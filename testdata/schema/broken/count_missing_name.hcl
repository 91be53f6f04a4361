# expect: 2: Missing required argument "name"
server "web" {
  count    = 2
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}
