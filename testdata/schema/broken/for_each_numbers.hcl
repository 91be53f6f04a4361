# expect: 4: Invalid for_each argument
defaults { location = "us-west" }
server "cache" {
  for_each = toset([1, 2])
  name     = "cache-${each.key}"
  plan_id  = 1
  os_id    = 5
}
