# A second fleet block: owns must be merged into a.hcl's.
fleet {
  owns = ["db-*"]
}
