go test fuzz v1
[]byte("# Production: more web servers, one of them kept stopped as a spare.\nweb_count   = 4\nweb_running = 3\ndomain      = \"prod.example.com\"\n")
