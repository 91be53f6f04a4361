# expect: b.hcl:2: Duplicate fleet block
fleet {
  owns = ["web-*"]
}
