# expect: 4: Reference to undeclared input variable
defaults { location = "us-west" }
server "web" {
  count   = var.web_cont
  name    = "web-${count.index}"
  plan_id = 1
  os_id   = 5
}
variable "web_count" { default = 2 }
