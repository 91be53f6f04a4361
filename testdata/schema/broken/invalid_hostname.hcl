# expect: 6: Invalid hostname
server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
  hostname = "localhost"
}
