# A web tier and a database tier, with variables for what changes between
# environments. Try:
#
#   vpsfleet plan -endpoint sandbox -var-file examples/web-and-db/prod.vars.hcl examples/web-and-db

# Globs: web-?? matches web-01 but not web-server-01, a server someone made
# by hand that this fleet must leave alone.
fleet {
  owns    = ["web-??", "db-??", "cache-*"]
  protect = ["db-??"] # never deleted or replaced, even once a block is gone
}

defaults {
  location = var.region
  os_id    = local.os.ubuntu
  plan_id  = 1
}

server "web" {
  count    = var.web_count
  name     = format("web-%02d", count.index + 1)
  hostname = "web-${count.index + 1}.${var.domain}"
  power    = count.index < var.web_running ? "on" : "off"
}
