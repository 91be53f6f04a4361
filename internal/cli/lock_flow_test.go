package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api/sandbox"
	et "github.com/vpsfleet/vpsfleet/internal/enginetest"
	"github.com/vpsfleet/vpsfleet/internal/pgtest"
)

// runConcurrently runs vpsfleet with each of argvs at the same time, in
// this process, each with its own streams and env, and returns the exit
// codes and outputs in order.
func runConcurrently(env map[string]string, argvs ...[]string) (codes []int, outs []string) {
	codes, outs = make([]int, len(argvs)), make([]string, len(argvs))
	var wg sync.WaitGroup
	for i, argv := range argvs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out, errb bytes.Buffer
			c := &cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return env[k] }}
			codes[i] = c.run(argv)
			outs[i] = out.String() + errb.String()
		}()
	}
	wg.Wait()
	return codes, outs
}

// TestConcurrentAppliesInProcess races two applies of one fleet in one
// process (so that the race detector sees the lock, the re-plan and the
// journal) with the local lock and, when a database is at hand, the
// PostgreSQL lock: both exit 0 and every server exists once.
func TestConcurrentAppliesInProcess(t *testing.T) {
	for _, backend := range []string{"local", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			t.Setenv("XDG_CACHE_HOME", t.TempDir())
			sb := et.NewSandbox(t, sandbox.Options{Empty: true, ProvisionDelay: 50 * time.Millisecond, TransitionDelay: 10 * time.Millisecond})
			env := map[string]string{"VPSORG_ENDPOINT": sb.URL, "VPSORG_TOKEN": "t", "NO_COLOR": "1"}
			if backend == "postgres" {
				env[envLockURL] = pgtest.NewDatabase(t)
			}
			dir := t.TempDir()
			fleet := filepath.Join(dir, "fleet.hcl")
			src := `
server "web" {
  count    = 4
  name     = "web-${count.index}"
  plan_id  = 1
  os_id    = 5
  location = "us-west"
  lifecycle { create_before_destroy = true }
}
`
			if err := os.WriteFile(fleet, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			apply := []string{"apply", "-auto-approve", "-poll-interval", "10ms", "-lock-timeout", "1m", fleet}
			codes, outs := runConcurrently(env, apply, apply)
			for i, code := range codes {
				if code != exitOK {
					t.Errorf("apply %d: exit %d\n%s", i, code, outs[i])
				}
			}
			for name, s := range sb.ByName(t) {
				if !strings.HasPrefix(name, "web-") {
					t.Errorf("unexpected server %s (id %d)", name, s.ID)
				}
			}
			if n := len(sb.List(t)); n != 4 {
				t.Errorf("%d servers, want 4", n)
			}
			// A replacement under create_before_destroy: its temporary name is
			// the one locked, and two racing replacements make one server.
			if err := os.WriteFile(fleet, []byte(strings.ReplaceAll(src, "plan_id  = 1", "plan_id  = 2")), 0o644); err != nil {
				t.Fatal(err)
			}
			codes, outs = runConcurrently(env, apply, apply)
			for i, code := range codes {
				if code != exitOK {
					t.Errorf("replacing apply %d: exit %d\n%s", i, code, outs[i])
				}
			}
			live := sb.ByName(t)
			for i := range 4 {
				if s, ok := live[fmt.Sprintf("web-%d", i)]; !ok || s.Plan.ID != 2 {
					t.Errorf("web-%d after the replacement: %+v", i, s)
				}
			}
			if len(live) != 4 {
				t.Errorf("after the replacement: %d names live, want 4", len(live))
			}
			if backend == "postgres" {
				codes, outs = runConcurrently(env, []string{"runs", "-json"})
				if codes[0] != exitOK || strings.Count(outs[0], `"operation": "apply"`) != 4 || strings.Count(outs[0], `"state": "finished"`) != 4 {
					t.Errorf("runs: exit %d\n%s", codes[0], outs[0])
				}
			}
		})
	}
}
