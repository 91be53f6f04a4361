# expect: 2: Invalid server name
server "1web_server" {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}
