# expect: 3: Incorrect attribute value type
server "web-01" {
  plan_id  = "large"
  os_id    = 5
  location = "us-west"
}
