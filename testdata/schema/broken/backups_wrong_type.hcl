# expect: 6: Incorrect attribute value type
server "web-01" {
  plan_id         = 1
  os_id           = 5
  location        = "us-west"
  backups_enabled = "sometimes"
}
