server "db-01" {
  plan_id         = 2
  os_id           = local.os.debian
  location        = "us-east"
  hostname        = local.db_hostname
  backups_enabled = true

  lifecycle {
    prevent_destroy = true
    # Someone tunes the hostname by hand: do not fight them.
    ignore_changes = ["hostname"]
  }
}

# for_each makes one server per map key: each.key is the key, each.value the
# value.
server "cache" {
  for_each = var.caches
  name     = "cache-${each.key}"
  location = each.value

  lifecycle {
    create_before_destroy = true
  }
}

# The database used to be called db-old: rename it in place (a PATCH)
# instead of replacing it.
moved {
  from = "db-old"
  to   = "db-01"
}
