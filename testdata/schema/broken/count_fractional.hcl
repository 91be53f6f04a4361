# expect: 6: Invalid count argument
variable "n" {
  default = 2.5
}
server "web" {
  count    = var.n
  name     = "web-${count.index}"
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}
