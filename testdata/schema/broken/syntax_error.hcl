# expect: 4: Missing newline after argument
server "web-01" {
  plan_id  = 1
  os_id    = 5 location = "us-west"
}
