# expect: 4: Invalid count argument
defaults { location = "us-west" }
server "web" {
  count   = -1
  name    = "web-${count.index}"
  plan_id = 1
  os_id   = 5
}
