# expect: 3: Circular reference between local values
locals {
  a = local.b + 1
  b = local.c + 1
}
locals {
  c = local.a + 1
}
