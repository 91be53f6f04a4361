# expect: 2: No value for required variable
variable "region" {
  type = string
}
server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = var.region
}
