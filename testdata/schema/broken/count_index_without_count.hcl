# expect: 6: Reference to "count" in non-counted context
server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
  hostname = "web-${count.index}.example.com"
}
