# expect: 6: Reference to undeclared local value
locals { ubuntu = 5 }
server "web-01" {
  plan_id  = 1
  location = "us-west"
  os_id    = local.ubunto
}
