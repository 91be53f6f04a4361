variable "region" {
  type        = string
  default     = "us-west"
  description = "Where the servers run."

  validation {
    condition     = contains(["us-west", "us-east"], var.region)
    error_message = "The region must be us-west or us-east."
  }
}

variable "web_count" {
  type        = number
  default     = 2
  description = "How many web servers to run."

  validation {
    condition     = var.web_count >= 1 && var.web_count <= 20
    error_message = "Run between 1 and 20 web servers."
  }
  validation {
    condition     = floor(var.web_count) == var.web_count
    error_message = "The web server count must be a whole number."
  }
}

variable "web_running" {
  type        = number
  default     = 2
  description = "How many of the web servers are powered on; the rest are kept stopped."
}

variable "domain" {
  type    = string
  default = "example.com"
}

variable "caches" {
  type        = map(string)
  description = "Cache servers by name suffix, each with its location."
  default = {
    east = "us-east"
    west = "us-west"
  }
}
