# A web tier that changes a few servers at a time, after its database.
#
#   vpsfleet plan examples/rolling       # shows the batches and the order
#   vpsfleet apply examples/rolling
#   vpsfleet reboot examples/rolling     # a rolling reboot, same rules
#
# Change web's plan_id to 2 and apply again: the 6 servers are replaced two
# at a time, each checked by check.sh before the next batch begins.

defaults {
  os_id    = 5
  location = "us-west"
}

server "db" {
  plan_id         = 2
  hostname        = "db.example.com"
  backups_enabled = true
}

server "web" {
  count      = 6
  name       = format("web-%02d", count.index + 1)
  plan_id    = 1
  hostname   = "web-${count.index + 1}.example.com"
  depends_on = ["db"] # created and started once db is active

  rollout {
    max_unavailable = "34%" # 2 of the 6 at a time
    pause           = "5s"  # between batches
    max_failures    = 0     # the first failure stops the rollout

    health_check {
      command  = ["./check.sh"] # runs in this directory
      timeout  = "10s"
      interval = "2s"
      retries  = 3
    }
  }
}
