# The image of configs/examples/Dockerfile as a Nomad job (docker driver).
#   nomad job run configs/examples/nomad.hcl
# csup run is PID 1 of the task. kill_timeout is above the largest
# kill_timeout of the ecosystem file (5 s), so csup's own stop finishes
# before Nomad's SIGKILL. The checks ask /healthz (liveness: the daemon's
# loop answers) and /readyz (every app online and healthy).
job "claude-mem" {
  datacenters = ["dc1"]
  type        = "service"

  group "claude-mem" {
    count = 1

    network {
      port "csup" { to = 9615 }
      port "worker" { to = 37777 }
      port "search" { to = 27778 }
    }

    service {
      name = "claude-mem"
      port = "worker"

      # Prometheus (through Consul service discovery) scrapes /metrics.
      tags = ["prometheus.io/scrape=true", "prometheus.io/port=9615", "prometheus.io/path=/metrics"]

      check {
        name     = "csup-alive"
        type     = "http"
        port     = "csup"
        path     = "/healthz"
        interval = "10s"
        timeout  = "2s"

        check_restart {
          limit = 3
          grace = "30s"
        }
      }

      check {
        name     = "csup-ready"
        type     = "http"
        port     = "csup"
        path     = "/readyz"
        interval = "5s"
        timeout  = "2s"
      }
    }

    task "csup" {
      driver = "docker"

      config {
        image = "csup-demo:latest"
        args  = ["/etc/csup/ecosystem.yaml", "--json"]
        ports = ["csup", "worker", "search"]
      }

      kill_signal  = "SIGTERM"
      kill_timeout = "20s"

      resources {
        cpu    = 200
        memory = 768
      }
    }
  }
}
