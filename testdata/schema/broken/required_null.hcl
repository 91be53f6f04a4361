# A required attribute set to null is as good as missing, whether the null
# is in the block, comes from defaults or from a variable.
# expect: 15: Missing required argument
# expect: 21: Missing required argument
# expect: 29: Missing required argument
variable "plan" {
  type    = number
  default = null
}

defaults {
  location = null
}

server "web-01" {
  plan_id = 1
  os_id   = 5
}

server "web-02" {
  plan_id  = var.plan
  os_id    = 5
  location = "us-west"
}

server "app" {
  for_each = { a = 1, b = null }
  name     = "app-${each.key}"
  plan_id  = each.value
  os_id    = 5
  location = "us-west"
}
