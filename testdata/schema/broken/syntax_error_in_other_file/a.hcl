# A syntax error in b.hcl does not hide the problems of this file, and
# what b.hcl declares (var.region, local.image, its defaults and its
# server db-01) raises no follow-on errors here.
# expect: 12: Invalid hostname
# expect: 17: Invalid power state
# expect: 22: Incorrect attribute value type
# expect: 28: Reference to undeclared input variable
server "web-01" {
  plan_id  = 1
  os_id    = local.image
  location = var.region
  hostname = "web_01"
}

server "web-02" {
  plan_id = 1
  power   = "sleep"
}

server "web-03" {
  plan_id  = 1
  os_id    = "five"
  location = "us-west"
}

server "web-04" {
  plan_id  = 1
  location = var.regoin
}

moved {
  from = "db-old"
  to   = "db-01"
}
