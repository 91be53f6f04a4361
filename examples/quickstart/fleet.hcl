# The quickstart fleet: three servers on the embedded sandbox.
#
#   vpsfleet plan  -endpoint sandbox examples/quickstart
#   vpsfleet apply -endpoint sandbox examples/quickstart
#
# A new sandbox account already holds web-server-01 and db-server-01. They
# are not ours, so this fleet only claims names that start with "demo-".

fleet {
  # Live servers whose names match are managed: one matching a pattern but
  # declared nowhere below is deleted. Anything else is left alone.
  owns = ["demo-*"]
}

# Values for every server block that does not set them itself.
defaults {
  location = "us-west"
  plan_id  = 1 # Standard VPS: 2 vCPU, 4 GB RAM
  os_id    = 5 # Ubuntu 22.04 LTS
}

# count makes a group: the label names the group, and name must give each
# server its own name. count.index runs from 0, so these are demo-web-01
# and demo-web-02.
server "demo-web" {
  count    = 2
  name     = format("demo-web-%02d", count.index + 1)
  hostname = "demo-web-${count.index + 1}.example.com"
}

# Without count the label is the server's name.
server "demo-db-01" {
  plan_id         = 2 # Performance VPS: 4 vCPU, 8 GB RAM
  os_id           = 3 # Debian 12
  location        = "us-east"
  hostname        = "db.example.com"
  backups_enabled = true
}
