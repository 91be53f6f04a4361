# expect: 6: Unexpected "name" argument
server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
  name     = "web-02"
}
