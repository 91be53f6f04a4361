# expect: 6: Invalid power state
server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
  power    = "standby"
}
