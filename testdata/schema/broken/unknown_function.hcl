# expect: 6: Call to unknown function
server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
  hostname = lowercase("WEB.example.com")
}
