# expect: 9: Redundant moved block
defaults { location = "us-west" }
server "web-01" {
  plan_id = 1
  os_id   = 5
}
moved {
  from = "web-01"
  to   = "web-01"
}
