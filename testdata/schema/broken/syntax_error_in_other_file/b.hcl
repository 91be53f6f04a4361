# expect: 15: Missing newline after argument
variable "region" {
  type = string
}

locals {
  image = 5
}

defaults {
  os_id = 5
}

server "db-01" {
  plan_id  = 2 os_id = 3
  location = "us-east"
}
