# expect: b.hcl:2: Duplicate server name
defaults {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}

server "web-01" {}
