# The fleet this pipeline keeps. Copy it to fleet/fleet.hcl in your
# repository, next to .github/workflows/vpsfleet.yml.

fleet {
  owns    = ["app-*"]
  protect = ["app-db-*"]
}

defaults {
  location = "us-east"
  plan_id  = 1
  os_id    = 3
}

server "app-web" {
  count    = 2
  name     = "app-web-${count.index + 1}"
  hostname = "app-web-${count.index + 1}.example.com"
}

server "app-db-1" {
  plan_id         = 2
  backups_enabled = true

  lifecycle {
    prevent_destroy = true
  }
}
