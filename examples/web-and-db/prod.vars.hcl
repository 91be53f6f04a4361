# Production: more web servers, one of them kept stopped as a spare.
web_count   = 4
web_running = 3
domain      = "prod.example.com"
