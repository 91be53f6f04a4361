# expect: 2: Unsupported block type
servr "web-01" {
  plan_id = 1
}
