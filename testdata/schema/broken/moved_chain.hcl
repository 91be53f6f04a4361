# expect: 8: Chained moved blocks
defaults {
  location = "us-west"
  plan_id  = 1
  os_id    = 5
}
server "web-03" {}
moved {
  from = "web-01"
  to   = "web-02"
}
moved {
  from = "web-02"
  to   = "web-03"
}
