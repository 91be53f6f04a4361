# A null name is reported, never a crash.
# expect: 7: Missing value
server "web" {
  count    = 2
  plan_id  = 1
  os_id    = 5
  name     = null
  location = "us-west"
}
