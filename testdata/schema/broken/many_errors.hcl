# Every problem is reported in one run.
# expect: 11: Unsupported argument
# expect: 10: Missing required argument
# expect: 13: Invalid hostname
# expect: 14: Invalid power state
# expect: 17: Invalid server name
# expect: 21: Missing required argument
defaults { location = "us-west" }

server "web-01" {
  plan     = 1
  os_id    = 5
  hostname = "web_01"
  power    = "sleep"
}

server "-web" {
  plan_id = 1
  os_id   = 5
}
server "db-01" {
  os_id = 3
}
