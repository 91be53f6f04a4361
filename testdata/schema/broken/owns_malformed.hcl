# expect: 3: Invalid name pattern
fleet {
  owns    = ["web-*", "db-[0-9"]
  protect = ["db-*"]
}
