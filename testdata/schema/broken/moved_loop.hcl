# expect: 8: Cyclic moved blocks
defaults {
  location = "us-west"
  plan_id  = 1
  os_id    = 5
}
server "web-01" {}
moved {
  from = "web-01"
  to   = "web-02"
}
moved {
  from = "web-02"
  to   = "web-01"
}
