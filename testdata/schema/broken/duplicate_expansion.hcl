# expect: 11: Duplicate server name
defaults {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}

server "web-02" {}
server "web" {
  count = 3
  name  = format("web-%02d", count.index + 1)
}
