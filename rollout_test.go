package main

// End-to-end tests of depends_on, rollout and vpsfleet reboot: the binary
// against the sandbox, served over HTTP by "vpsfleet sandbox serve" where
// a sampler polls the account during the run with the real client.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/internal/journal"
)

// tierHCL is a server block "web" of n servers web-01..web-NN with the
// body lines given.
func tierHCL(n int, body string) string {
	return fmt.Sprintf(`
server "web" {
  count    = %d
  name     = format("web-%%02d", count.index + 1)
  os_id    = 5
  location = "us-west"
%s
}
`, n, body)
}

// tierServer reports whether name is one of web-01..web-99 (not a
// temporary name of a replacement).
var tierServer = regexp.MustCompile(`^web-\d\d$`)

// accountSampler lists a served sandbox every few milliseconds during a
// run, with the real client, and keeps the most that measure ever
// counted.
type accountSampler struct {
	mu    sync.Mutex
	most  int
	looks int
	err   error
	stop  context.CancelFunc
	done  chan struct{}
}

// sampleAccount starts a sampler of the sandbox served at base.
func sampleAccount(t *testing.T, base string, measure func([]api.Server) int) *accountSampler {
	t.Helper()
	client, err := api.New(base, "sandbox")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &accountSampler{stop: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for ctx.Err() == nil {
			servers, err := client.ListServers(ctx, api.ListOptions{})
			s.mu.Lock()
			if err != nil && ctx.Err() == nil && s.err == nil {
				s.err = err
			}
			if err == nil {
				s.most, s.looks = max(s.most, measure(servers)), s.looks+1
			}
			s.mu.Unlock()
			time.Sleep(3 * time.Millisecond)
		}
	}()
	t.Cleanup(func() { s.finish() })
	return s
}

// finish stops the sampler and returns the most it counted and how many
// looks it took.
func (s *accountSampler) finish() (most, looks int) {
	s.stop()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.most, s.looks
}

// check stops the sampler, fails the test unless it saw at least one and
// at most allowed, and logs the figures.
func (s *accountSampler) check(t *testing.T, what string, allowed int) {
	t.Helper()
	most, looks := s.finish()
	if s.err != nil {
		t.Fatalf("sampling the account: %v", s.err)
	}
	if most > allowed || most == 0 || looks < 10 {
		t.Errorf("%s: at most %d at once in %d looks, allowed %d", what, most, looks, allowed)
	}
	t.Logf("%s: at most %d at once (allowed %d), %d looks", what, most, allowed, looks)
}

// notActive counts the tier's servers that are not active (gone, or on
// their way somewhere), of n.
func notActive(n int) func([]api.Server) int {
	return func(servers []api.Server) int {
		up := 0
		for _, s := range servers {
			if tierServer.MatchString(s.Name) && s.Status == api.StatusActive {
				up++
			}
		}
		return n - up
	}
}

// inStatus counts the servers in status st.
func inStatus(st api.Status) func([]api.Server) int {
	return func(servers []api.Server) int {
		n := 0
		for _, s := range servers {
			if s.Status == st {
				n++
			}
		}
		return n
	}
}

// servedTier serves a sandbox with the delays given and makes the tier
// of n servers in it (plan 1, running), returning the account.
func servedTier(t *testing.T, n int, delays ...string) (*account, string) {
	t.Helper()
	base, _ := serveSandbox(t, append([]string{"-empty"}, delays...)...)
	a := servedAccount(t, t.TempDir(), base, "sandbox")
	fleet := a.writeFleet("tier", map[string]string{"fleet.hcl": tierHCL(n, "  plan_id = 1")})
	a.must(0, "apply", "-auto-approve", "-poll-interval", "20ms", fleet)
	return a, base
}

// TestRolloutBudgetEndToEnd: while apply replaces or stops a tier, a
// sampler polling the account never sees more of it unavailable than
// max_unavailable allows: a replace of 12 with max_unavailable 3; a stop
// of 10 with "20%" (at most 2 stopping at once).
func TestRolloutBudgetEndToEnd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		n, allowed int
		measure    func(n int) func([]api.Server) int
	}{
		{"replace 12, max_unavailable 3", "  plan_id = 2\n  rollout { max_unavailable = 3 }", 12, 3, notActive},
		{"stop 10, 20%", "  plan_id = 1\n  power = \"off\"\n  rollout { max_unavailable = \"20%\" }", 10, 2,
			func(int) func([]api.Server) int { return inStatus(api.StatusStopping) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, base := servedTier(t, tt.n, "-provision-delay", "300ms", "-transition-delay", "300ms")
			fleet := a.writeFleet("rolled", map[string]string{"fleet.hcl": tierHCL(tt.n, tt.body)})
			s := sampleAccount(t, base, tt.measure(tt.n))
			r := a.must(0, "apply", "-auto-approve", "-poll-interval", "20ms", fleet)
			s.check(t, tt.name, tt.allowed)
			if !strings.Contains(r.stdout, "Rollout of web: batch 1 of ") {
				t.Errorf("no batch in the progress:\n%s", r.stdout)
			}
			a.must(0, "plan", "-detailed-exitcode", fleet)
		})
	}
}

// TestTwentyServerTierKeepsEighteenHealthy is the promise: a
// user changes the plan of a 20-server web tier in one apply without
// ever having fewer than 18 healthy servers. A server counts as healthy
// when it is active and either was there before or has passed its health
// check (which leaves a mark).
func TestTwentyServerTierKeepsEighteenHealthy(t *testing.T) {
	t.Parallel()
	a, base := servedTier(t, 20, "-provision-delay", "200ms", "-transition-delay", "100ms")
	marks := t.TempDir()
	fleet := a.writeFleet("rolled", map[string]string{"fleet.hcl": tierHCL(20, fmt.Sprintf(`  plan_id = 2
  rollout {
    max_unavailable = "10%%"
    health_check {
      command  = ["sh", "-c", "sleep 0.05; touch %s/$VPSFLEET_SERVER_ID"]
      interval = "50ms"
    }
  }`, marks))})
	before := map[int64]bool{}
	for _, s := range a.servers() {
		before[int64(s["id"].(float64))] = true
	}
	s := sampleAccount(t, base, func(servers []api.Server) int {
		// The marks first: a mark seen before the list was made before it.
		passed := map[int64]bool{}
		entries, _ := os.ReadDir(marks)
		for _, e := range entries {
			if id, err := strconv.ParseInt(e.Name(), 10, 64); err == nil {
				passed[id] = true
			}
		}
		healthy := 0
		for _, s := range servers {
			if tierServer.MatchString(s.Name) && s.Status == api.StatusActive && (before[s.ID] || passed[s.ID]) {
				healthy++
			}
		}
		return 20 - healthy
	})
	r := a.must(0, "apply", "-auto-approve", "-poll-interval", "20ms", fleet)
	s.check(t, "servers of 20 not healthy", 2)
	if n := strings.Count(r.stdout, "Rollout of web: batch "); n != 10 {
		t.Errorf("%d batches began, want 10", n)
	}
	entries, _ := os.ReadDir(marks)
	if len(entries) != 20 {
		t.Errorf("%d servers passed their health check, want 20", len(entries))
	}
	a.must(0, "plan", "-detailed-exitcode", fleet)
}

// TestFailingHealthCheckStopsTheRollout: when the new servers of the first
// batch fail their health check, no other server is touched, apply exits
// 1 naming why, and once the check passes the next apply finishes the
// rollout from where the account is.
func TestFailingHealthCheckStopsTheRollout(t *testing.T) {
	t.Parallel()
	a := newAccount(t)
	dir := a.writeFleet("tier", map[string]string{"fleet.hcl": tierHCL(6, "  plan_id = 1")})
	a.must(0, "apply", "-auto-approve", "-poll-interval", "20ms", dir)
	before := map[string]map[string]any{}
	for _, s := range a.servers() {
		before[s["name"].(string)] = s
	}
	rolled := func(check string) string {
		return tierHCL(6, fmt.Sprintf(`  plan_id = 2
  rollout {
    max_unavailable = 2
    health_check {
      command  = ["sh", "-c", %q]
      retries  = 1
      interval = "10ms"
    }
  }`, check))
	}
	if err := os.WriteFile(filepath.Join(dir, "fleet.hcl"), []byte(rolled("echo unhealthy; exit 1")), 0o644); err != nil {
		t.Fatal(err)
	}
	r := a.must(1, "apply", "-auto-approve", "-poll-interval", "20ms", dir)
	for _, want := range []string{
		"web-01: failed (replace)", "the health check of web-01", "its output ended: unhealthy",
		"(batch 2 of 3 of web): rollout stopped: 2 servers (web-01, web-02) failed in web's rollout (batch 1 of 3)",
		"Apply failed. 0 of 6 changes done; 2 failed, 4 not started.",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the report lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, s := range a.servers() {
		name := s["name"].(string)
		if name < "web-03" {
			continue
		}
		was := before[name]
		if was == nil || s["id"] != was["id"] || s["updated_at"] != was["updated_at"] || s["plan"].(map[string]any)["id"] != 1.0 {
			t.Errorf("%s was touched: %v, was %v", name, s, was)
		}
	}

	if err := os.WriteFile(filepath.Join(dir, "fleet.hcl"), []byte(rolled("exit 0")), 0o644); err != nil {
		t.Fatal(err)
	}
	r = a.must(0, "apply", "-auto-approve", "-poll-interval", "20ms", dir)
	if !strings.Contains(r.stdout, "4 to replace") || !strings.Contains(r.stdout, "Apply complete!") {
		t.Errorf("the next apply does not replace the four left:\n%s", r.stdout)
	}
	a.must(0, "plan", "-detailed-exitcode", dir)
}

// TestDependsOnOrderEndToEnd: the sandbox's timestamps show web's servers
// created only once db's were active (created_at + the provisioning
// delay); destroy's events show web deleted before db.
func TestDependsOnOrderEndToEnd(t *testing.T) {
	t.Parallel()
	const provision = 300 * time.Millisecond
	a := newAccount(t, "VPSFLEET_SANDBOX_PROVISION_DELAY="+provision.String())
	dir := a.writeFleet("tier", map[string]string{"fleet.hcl": `
defaults {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}
server "db" {
  count = 2
  name  = "db-${count.index + 1}"
}
server "web" {
  count      = 3
  name       = "web-${count.index + 1}"
  depends_on = ["db"]
}`})
	r := a.must(0, "plan", dir)
	if !strings.Contains(r.stdout, "web: 3 to create; after db") {
		t.Errorf("the plan does not show the order:\n%s", r.stdout)
	}
	a.must(0, "apply", "-auto-approve", "-poll-interval", "20ms", dir)
	created := map[string]time.Time{}
	for _, s := range a.servers() {
		at, err := time.Parse(time.RFC3339Nano, s["created_at"].(string))
		if err != nil {
			t.Fatal(err)
		}
		created[s["name"].(string)] = at
	}
	for _, web := range []string{"web-1", "web-2", "web-3"} {
		for _, db := range []string{"db-1", "db-2"} {
			if active := created[db].Add(provision); created[web].Before(active) {
				t.Errorf("%s was created at %s, before %s was active at %s", web, created[web].Format(time.StampMilli), db, active.Format(time.StampMilli))
			}
		}
	}

	r = a.must(0, "destroy", "-auto-approve", "-json", "-poll-interval", "20ms", dir)
	checkSchema(t, "events", "destroy -json", []byte(r.stdout))
	lastWebDone, firstDBStart := -1, -1
	for i, l := range jsonLines(t, r.stdout) {
		server, _ := l["server"].(string)
		switch {
		case strings.HasPrefix(server, "web-") && l["type"] == "complete":
			lastWebDone = i
		case strings.HasPrefix(server, "db-") && l["type"] == "start" && firstDBStart < 0:
			firstDBStart = i
		}
	}
	if lastWebDone < 0 || firstDBStart < lastWebDone {
		t.Errorf("db's first delete began at line %d, web's last delete ended at line %d:\n%s", firstDBStart+1, lastWebDone+1, r.stdout)
	}
}

// TestDependsOnCyclesAreDiagnosed: a cycle, a self-reference and an
// unknown label are errors with their place, from validate and plan
// alike; nothing is planned.
func TestDependsOnCyclesAreDiagnosed(t *testing.T) {
	t.Parallel()
	a := newAccount(t)
	dir := a.writeFleet("cycle", map[string]string{"fleet.hcl": `defaults {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}
server "a" { depends_on = ["b"] }
server "b" { depends_on = ["a"] }
server "c" { depends_on = ["c", "nope"] }
`})
	for _, cmd := range [][]string{{"validate", dir}, {"plan", dir}} {
		r := a.must(1, cmd...)
		for _, want := range []string{"Cyclic depends_on", `"a" → "b" → "a"`, "fleet.hcl:7:28", "Self-referential depends_on", "fleet.hcl:8:28", "Reference to undeclared server block", "fleet.hcl:8:33"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("%s: stderr lacks %q:\n%s", cmd[0], want, r.stderr)
			}
		}
	}
}

// TestRebootRollsEndToEnd: vpsfleet reboot reboots a tier -max-unavailable
// at a time (the sampler never sees more rebooting), checks each server,
// keeps every id, writes the event stream of its run, and is recorded as
// a run of its own.
func TestRebootRollsEndToEnd(t *testing.T) {
	t.Parallel()
	a, base := servedTier(t, 6, "-provision-delay", "100ms", "-transition-delay", "300ms")
	fleet := a.writeFleet("checked", map[string]string{"fleet.hcl": tierHCL(6, `  plan_id = 1
  rollout {
    health_check { command = ["sh", "-c", "test -n \"$VPSFLEET_SERVER_IPV4\""] }
  }`)})
	before := a.namesCount()
	ids := map[any]bool{}
	for _, s := range a.servers() {
		ids[s["id"]] = true
	}
	s := sampleAccount(t, base, inStatus(api.StatusRebooting))
	r := a.must(0, "reboot", "-max-unavailable", "2", "-auto-approve", "-json", "-poll-interval", "20ms", fleet)
	s.check(t, "servers rebooting", 2)
	checkSchema(t, "events", "reboot -json", []byte(r.stdout))
	batches, checks, reboots := 0, 0, 0
	for _, l := range jsonLines(t, r.stdout) {
		switch {
		case l["type"] == "batch":
			batches++
		case l["type"] == "done" && l["action"] == "check":
			checks++
		case l["type"] == "done" && l["action"] == "reboot":
			reboots++
		}
	}
	if batches != 3 || checks != 6 || reboots != 6 {
		t.Errorf("%d batches, %d health checks, %d reboots; want 3, 6, 6", batches, checks, reboots)
	}
	if !strings.Contains(r.stderr, "Reboot complete! 6 servers rebooted.") {
		t.Errorf("the report:\n%s", r.stderr)
	}
	for _, srv := range a.servers() {
		if !ids[srv["id"]] || srv["status"] != "active" {
			t.Errorf("after the reboot: %v", srv)
		}
	}
	if after := a.namesCount(); len(after) != len(before) {
		t.Errorf("servers before %v, after %v", before, after)
	}
}

// TestInterruptMidRolloutThenApplyConverges: the first Ctrl-C during batch
// 2 of a rollout starts no new batch; the next apply converges; and
// throughout both, no more of the tier than max_unavailable is ever
// unavailable, since the second apply waits for the servers the first
// left provisioning.
func TestInterruptMidRolloutThenApplyConverges(t *testing.T) {
	t.Parallel()
	a, base := servedTier(t, 8, "-provision-delay", "700ms", "-transition-delay", "100ms")
	fleet := a.writeFleet("rolled", map[string]string{"fleet.hcl": tierHCL(8, "  plan_id = 2\n  rollout { max_unavailable = 2 }")})
	s := sampleAccount(t, base, notActive(8))
	run := a.start("apply", "-auto-approve", "-poll-interval", "20ms", fleet)
	run.readUntil(run.stdout, &run.out, "Rollout of web: batch 2 of 4 begins")
	run.readUntil(run.stdout, &run.out, "Creating...")
	if err := run.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := run.finish(); code != 1 {
		t.Fatalf("interrupted apply: exit %d\n%s\n%s", code, run.out.String(), run.errs.String())
	}
	out := run.out.String()
	if strings.Contains(out, "batch 3 of 4 begins") || !strings.Contains(out, "web-08: not started") {
		t.Errorf("a new batch began after the interrupt:\n%s", out)
	}
	a.must(0, "apply", "-auto-approve", "-poll-interval", "20ms", fleet)
	s.check(t, "servers of 8 unavailable across both applies", 2)
	counts := a.namesCount()
	names := make([]string, 0, len(counts))
	for name, n := range counts {
		names = append(names, name)
		if n != 1 {
			t.Errorf("%d servers named %s", n, name)
		}
	}
	slices.Sort(names)
	if len(names) != 8 {
		t.Errorf("servers after both applies: %v", names)
	}
	a.must(0, "plan", "-detailed-exitcode", fleet)
}

// TestRebootIsLockedAndJournaled: with a lock database, vpsfleet reboot
// locks the servers it reboots and records its run in the journal, each
// server with its reboot and outcome.
func TestRebootIsLockedAndJournaled(t *testing.T) {
	a, _, _ := lockedAccount(t, "-provision-delay", "50ms")
	fleet := a.groupFleet("node", 3)
	a.must(0, "apply", "-auto-approve", "-poll-interval", "20ms", fleet)
	a.must(0, "reboot", "-auto-approve", "-max-unavailable", "2", "-poll-interval", "20ms", fleet)
	var reboots []journal.Run
	for _, r := range runsOf(a.runs(), fleet) {
		if r.Operation == "reboot" {
			reboots = append(reboots, r)
		}
	}
	if len(reboots) != 1 {
		t.Fatalf("reboot runs in the journal: %+v", reboots)
	}
	r := reboots[0]
	if exitOf(r) != "0" || r.Plan["reboot"] != 3 || len(r.Servers) != 3 {
		t.Errorf("the reboot's run: exit %s, plan %v, servers %+v", exitOf(r), r.Plan, r.Servers)
	}
	for _, s := range r.Servers {
		if !slices.Equal(s.Actions, []string{"reboot"}) || s.Outcome != "done" {
			t.Errorf("journal server %+v, want reboot done", s)
		}
	}
}
