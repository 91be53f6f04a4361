locals {
  # OS catalogue ids, so blocks say what they mean.
  os = {
    ubuntu = 5
    debian = 3
  }
}

locals {
  # A local may use another, in any order across blocks and files.
  db_hostname = "db.${var.domain}"
}
