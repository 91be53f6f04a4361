# Every mistake in a rollout block is reported at its place: durations,
# percentages, negative numbers, an empty command, unknown attributes,
# a missing command and a second rollout block.
# expect: 24: Invalid max_unavailable
# expect: 25: Invalid duration
# expect: 26: Invalid max_failures
# expect: 27: Unsupported argument
# expect: 29: Invalid health check command
# expect: 30: Invalid duration
# expect: 31: Invalid duration
# expect: 32: Invalid retries
# expect: 42: Invalid max_unavailable
# expect: 43: Invalid duration
# expect: 44: Missing required argument
# expect: 48: Duplicate rollout block
# expect: 53: Invalid max_unavailable
server "web" {
  count    = 2
  name     = "web-${count.index}"
  plan_id  = 1
  os_id    = 5
  location = "us-west"
  rollout {
    max_unavailable = "110%"
    pause           = "30 seconds"
    max_failures    = -1
    max_unavailble  = 1
    health_check {
      command  = []
      timeout  = "0s"
      interval = 5
      retries  = 1.5
    }
  }
}

server "db-01" {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
  rollout {
    max_unavailable = 0
    pause           = "-1s"
    health_check {
      retries = 1
    }
  }
  rollout {}
}

defaults {
  rollout {
    max_unavailable = "ten%"
  }
}
