# expect: 4: Invalid default value for variable
variable "count_of_web" {
  type    = number
  default = "many"
}
