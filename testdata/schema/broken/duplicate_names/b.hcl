# The same name as in a.hcl.
server "web-01" {}
