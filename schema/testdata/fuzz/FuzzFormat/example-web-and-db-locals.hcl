go test fuzz v1
[]byte("locals {\n  # OS catalogue ids, so blocks say what they mean.\n  os = {\n    ubuntu = 5\n    debian = 3\n  }\n}\n\nlocals {\n  # A local may use another, in any order across blocks and files.\n  db_hostname = \"db.${var.domain}\"\n}\n")
