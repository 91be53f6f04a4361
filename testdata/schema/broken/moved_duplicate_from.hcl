# expect: 14: Ambiguous moved block
defaults {
  location = "us-west"
  plan_id  = 1
  os_id    = 5
}
server "web-01" {}
server "web-02" {}
moved {
  from = "web-old"
  to   = "web-01"
}
moved {
  from = "web-old"
  to   = "web-02"
}
