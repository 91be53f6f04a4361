package apply

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vpsfleet/vpsfleet/api/sandbox"
	"github.com/vpsfleet/vpsfleet/engine/apply/rollout"
	et "github.com/vpsfleet/vpsfleet/internal/enginetest"
)

// These tests run health checks as real processes (sh), against the
// sandbox served over HTTP.

func needShell(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the health checks here are shell scripts")
	}
}

// TestHealthCheckGetsTheServersFacts: the check runs in the directory of
// the fleet file that declares it, with the server's name, id, addresses,
// hostname, group, batch and attempt in its environment, and never the
// API token or the lock URL.
func TestHealthCheckGetsTheServersFacts(t *testing.T) {
	needShell(t)
	t.Setenv("VPSORG_TOKEN", "token-never-shown")
	t.Setenv("VPSFLEET_LOCK_URL", "postgres://u:pw@db/x")
	e := newSandbox(t, sandbox.Options{Empty: true})
	e.seed(t, spec("web-01"))
	fleet := et.LoadFleet(t, `
server "web" {
  count    = 1
  name     = "web-0${count.index + 1}"
  plan_id  = 2
  os_id    = 5
  location = "us-west"
  hostname = "web-1.example.com"
  rollout {
    health_check {
      command = ["sh", "-c", "env > facts && pwd > where"]
    }
  }
}`)
	p, _ := planAgainst(t, e.client, fleet)
	res := mustApply(t, e.client, p, fastOptions())
	if !res.OK() {
		t.Fatalf("apply: %+v", res.Results)
	}
	dir := filepath.Dir(fleet.Servers[0].Range.Filename)
	facts, err := os.ReadFile(filepath.Join(dir, "facts"))
	if err != nil {
		t.Fatalf("the check did not run in %s: %v", dir, err)
	}
	srv := e.detail(t, res.Results[0].ID)
	env := map[string]string{}
	for _, line := range strings.Split(string(facts), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			env[k] = v
		}
	}
	want := map[string]string{
		EnvServerName: "web-01", EnvServerID: "12346", EnvServerIPv4: *srv.IPAddress, EnvServerIPv6: *srv.IPv6Address,
		EnvServerHostname: "web-1.example.com", EnvGroup: "web", EnvBatch: "1", EnvAttempt: "1",
	}
	for k, v := range want {
		if env[k] != v || v == "" {
			t.Errorf("%s=%q, want %q", k, env[k], v)
		}
	}
	for _, secret := range rollout.SecretEnv() {
		if _, ok := env[secret]; ok {
			t.Errorf("the check was given %s", secret)
		}
	}
	if strings.Contains(string(facts), "token-never-shown") || strings.Contains(string(facts), "pw@db") {
		t.Error("a secret reached the health check")
	}
}

// TestHealthCheckEndsOnInterrupt: the first Ctrl-C ends a check that
// runs, and the change is interrupted, not failed nor done.
func TestHealthCheckEndsOnInterrupt(t *testing.T) {
	needShell(t)
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true})
	e.seed(t, spec("web-01"))
	fleet := et.LoadFleet(t, `
server "web-01" {
  plan_id  = 2
  os_id    = 5
  location = "us-west"
  rollout {
    health_check {
      command = ["sleep", "60"]
      timeout = "2m"
    }
  }
}`)
	p, _ := planAgainst(t, e.client, fleet)
	interrupt := make(chan struct{})
	opts := fastOptions()
	opts.Interrupt = interrupt
	opts.Progress = progressFunc(func(ev Event) {
		if ev.Kind == EventStart && ev.Action == StepHealthCheck {
			close(interrupt)
		}
	})
	res := mustApply(t, e.client, p, opts)
	// Had the check run on, it would have passed, a minute later.
	if sr := res.Results[0]; sr.Outcome != OutcomeInterrupted || !errors.Is(sr.Err, ErrInterrupted) {
		t.Errorf("web-01: %s %v, want interrupted", sr.Outcome, sr.Err)
	}
}
