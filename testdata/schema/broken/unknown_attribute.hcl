# expect: 6: Unsupported argument
server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
  plan_idd = 2
}
