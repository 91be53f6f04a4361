# expect: 5: Invalid plan_id
# expect: 6: Invalid os_id
# expect: 8: Invalid ssh_key_id
server "web-01" {
  plan_id    = 0
  os_id      = -3
  location   = "us-west"
  ssh_key_id = 1.5
}
