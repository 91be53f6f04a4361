# A loop of three moved blocks is one problem, reported once.
# expect: 3: Cyclic moved blocks
moved {
  from = "a"
  to   = "b"
}
moved {
  from = "b"
  to   = "c"
}
moved {
  from = "c"
  to   = "a"
}
