# expect: 6: Invalid value for variable
variable "region" {
  type    = string
  default = "eu-central"
  validation {
    condition     = contains(["us-west", "us-east"], var.region)
    error_message = "The region must be us-west or us-east."
  }
}
server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = var.region
}
