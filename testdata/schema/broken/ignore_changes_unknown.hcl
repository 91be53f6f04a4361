# expect: 7: Invalid ignore_changes
server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
  lifecycle {
    ignore_changes = ["hostnme", "power"]
  }
}
