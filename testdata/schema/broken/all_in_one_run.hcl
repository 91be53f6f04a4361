# An unknown block, a bad label count and a count/for_each conflict do not
# hide the problems in the other blocks, or in the same block.
# expect: 12: Unsupported block type
# expect: 14: Extraneous label for server
# expect: 18: Invalid combination of "count" and "for_each"
# expect: 20: Incorrect attribute value type
# expect: 22: Invalid hostname
# expect: 28: Invalid hostname
defaults {
  location = "us-west"
}
sever "web-01" {}

server "a" "b" {}

server "web" {
  count    = 2
  for_each = {}
  name     = "web-${count.index}"
  plan_id  = "one"
  os_id    = 5
  hostname = "web"
}

server "db-01" {
  plan_id  = 2
  os_id    = 3
  hostname = "db_01.example.com"
}
