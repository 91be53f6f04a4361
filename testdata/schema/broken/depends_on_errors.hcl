# Unknown labels (with a suggestion), a block depending on itself, and a
# cycle are each reported where they are written.
# expect: 21: Reference to undeclared server block
# expect: 25: Self-referential depends_on
# expect: 33: Cyclic depends_on
# expect: 37: Invalid depends_on
defaults {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}

server "db" {
  count = 2
  name  = "db-${count.index}"
}

server "web" {
  count      = 2
  name       = "web-${count.index}"
  depends_on = ["dbb"]
}

server "cache-01" {
  depends_on = [db, "cache-01"]
}

server "queue" {
  depends_on = ["worker"]
}

server "worker" {
  depends_on = ["queue"]
}

server "api" {
  depends_on = [lower("DB")]
}
