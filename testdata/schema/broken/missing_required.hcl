# expect: 2: Missing required argument
server "web-01" {
  plan_id = 1
}
