# A null from or to is reported, never a crash.
# expect: 10: Missing value
server "db-01" {
  plan_id  = 2
  os_id    = 3
  location = "us-east"
}

moved {
  from = null
  to   = "db-01"
}
