package rollout

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
)

// These tests run health checks as real processes (sh).

func needShell(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the health checks here are shell scripts")
	}
}

// TestHealthCheckFailures: how a check that does not pass is told.
func TestHealthCheckFailures(t *testing.T) {
	needShell(t)
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name     string
		hc       engine.HealthCheck
		attempts int
		want     []string
	}{
		{"exit status and output", engine.HealthCheck{Command: []string{"sh", "-c", "echo checking; echo HTTP 503 >&2; exit 3"}, Timeout: time.Minute, Retries: 1, Interval: time.Millisecond},
			2, []string{"failed 2 times: sh -c", "it exited with status 3", "its output ended: checking; HTTP 503"}},
		{"timeout", engine.HealthCheck{Command: []string{"sleep", "30"}, Timeout: 50 * time.Millisecond},
			1, []string{"failed once", "it did not end within its timeout of 50ms"}},
		{"no such program", engine.HealthCheck{Command: []string{"./no-such-check.sh"}, Timeout: time.Minute, Dir: dir},
			1, []string{"it could not run", "the command runs in " + dir}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := Checker{Attempt: Exec}.Run(context.Background(), &tt.hc, nil, "web-01", 12345)
			var hc *HealthCheckError
			if !errors.As(err, &hc) || hc.Attempts != tt.attempts {
				t.Fatalf("err %v, want a HealthCheckError after %d attempts", err, tt.attempts)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err, w)
				}
			}
		})
	}
}
