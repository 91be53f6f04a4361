# expect: 11: Moved to an undeclared server
# expect: 14: Moved from a declared server
# expect: 15: Moved to an undeclared server
defaults { location = "us-west" }
server "web-01" {
  plan_id = 1
  os_id   = 5
}
moved {
  from = "web-old"
  to   = "web-1"
}
moved {
  from = "web-01"
  to   = "web-new"
}
