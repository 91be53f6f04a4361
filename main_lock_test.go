package main

// End-to-end tests of team locking: the real binary, a real PostgreSQL
// (VPSFLEET_TEST_POSTGRES_URL; `make test-pg` starts one; without it
// these tests skip, and fail when CI is set) and a served sandbox.

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/internal/journal"
	"github.com/vpsfleet/vpsfleet/internal/pgtest"
)

// lockedAccount is a served sandbox started with serveArgs, with a lock
// database of the test's own in VPSFLEET_LOCK_URL.
func lockedAccount(t *testing.T, serveArgs ...string) (a *account, base, db string) {
	t.Helper()
	db = pgtest.NewDatabase(t)
	base, _ = serveSandbox(t, append([]string{"-empty", "-transition-delay", "10ms"}, serveArgs...)...)
	a = servedAccount(t, t.TempDir(), base, "sandbox")
	a.env = append(a.env, "VPSFLEET_LOCK_URL="+db)
	return a, base, db
}

// forTest is a copy of a whose failures go to t (a subtest's).
func (a *account) forTest(t *testing.T) *account {
	b := *a
	b.t = t
	return &b
}

// hostnameFleet is groupFleet's fleet of n servers PREFIX-i with a
// hostname set: the same servers, each needing an update.
func (a *account) hostnameFleet(prefix string, n int) string {
	return a.writeFleet(prefix+"-hostnames", map[string]string{"fleet.hcl": fmt.Sprintf(`
server %q {
  count    = %d
  name     = "%s-${count.index}"
  hostname = "%s-${count.index}.example.com"
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}
`, prefix, n, prefix, prefix)})
}

// runs is the run journal as `vpsfleet runs -json` prints it.
func (a *account) runs(args ...string) []journal.Run {
	a.t.Helper()
	r := a.must(0, append([]string{"runs", "-json", "-limit", "1000"}, args...)...)
	var doc journal.Document
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		a.t.Fatalf("runs -json: %v\n%s", err, r.stdout)
	}
	return doc.Runs
}

// runsOf are the runs whose command line names fleet.
func runsOf(runs []journal.Run, fleet string) []journal.Run {
	var out []journal.Run
	for _, r := range runs {
		if strings.Contains(r.Command, " "+fleet) {
			out = append(out, r)
		}
	}
	return out
}

// onlyOnce fails t unless the live servers named prefix-0 to
// prefix-(n-1) are there exactly once each, and nothing else of prefix.
func onlyOnce(t *testing.T, counts map[string]int, prefix string, n int) {
	t.Helper()
	seen := 0
	for name, k := range counts {
		if !strings.HasPrefix(name, prefix+"-") {
			continue
		}
		seen++
		if k != 1 {
			t.Errorf("%d live servers are named %s", k, name)
		}
	}
	if seen != n {
		t.Errorf("%d names of %s-* are live, want %d: %v", seen, prefix, n, counts)
	}
}

func exitOf(r journal.Run) string {
	if r.ExitStatus == nil {
		return "none"
	}
	return fmt.Sprint(*r.ExitStatus)
}

// TestRacingAppliesMakeEachServerOnce runs 20 trials of two applies of
// one fleet started at the same moment against one served sandbox: both
// exit 0, every server exists once, and the journal shows that one run
// created the fleet and the other found nothing to do.
func TestRacingAppliesMakeEachServerOnce(t *testing.T) {
	const trials, size = 20, 5
	a, _, _ := lockedAccount(t, "-provision-delay", "100ms")
	fleets := make([]string, trials)
	for i := range fleets {
		fleets[i] = a.groupFleet(fmt.Sprintf("race%02d", i), size)
	}
	var mu sync.Mutex
	raced := 0 // trials where the second apply waited for the lock
	t.Run("trials", func(t *testing.T) {
		for i, fleet := range fleets {
			t.Run(fmt.Sprintf("trial%02d", i), func(t *testing.T) {
				t.Parallel()
				ta := a.forTest(t)
				args := []string{"apply", "-auto-approve", "-poll-interval", "20ms", "-lock-timeout", "2m", fleet}
				first, second := ta.start(args...), ta.start(args...)
				for _, r := range []*running{first, second} {
					if code := r.finish(); code != 0 {
						t.Errorf("an apply of the race: exit %d\nstdout:\n%s\nstderr:\n%s", code, r.out.String(), r.errs.String())
					}
					if strings.Contains(r.errs.String(), "Waiting up to") {
						if !strings.Contains(r.out.String(), "No changes") {
							t.Errorf("the apply that waited for the lock did not find the fleet made:\n%s", r.out.String())
						}
						mu.Lock()
						raced++
						mu.Unlock()
					}
				}
			})
		}
	})
	counts := a.namesCount()
	runs := a.runs()
	for i, fleet := range fleets {
		onlyOnce(t, counts, fmt.Sprintf("race%02d", i), size)
		got := runsOf(runs, fleet)
		var made, idle int
		for _, r := range got {
			switch {
			case r.State != journal.StateFinished || exitOf(r) != "0":
				t.Errorf("trial %d: run %d is %s, exit %s", i, r.ID, r.State, exitOf(r))
			case r.Plan["create"] == size && len(r.Servers) == size:
				made++
				for _, s := range r.Servers {
					if s.Outcome != "done" || s.ID == 0 {
						t.Errorf("trial %d: run %d: %s %s [id=%d]", i, r.ID, s.Name, s.Outcome, s.ID)
					}
				}
			case len(r.Plan) == 0 && len(r.Servers) == 0:
				idle++
			}
		}
		if len(got) != 2 || made != 1 || idle != 1 {
			t.Errorf("trial %d: the journal holds %d runs, %d that made the fleet and %d that found nothing to do; want 2, 1 and 1: %+v", i, len(got), made, idle, got)
		}
	}
	t.Logf("%d trials of two racing applies of %d servers: %d where the second waited for the lock and then planned nothing; no duplicate", trials, size, raced)
	if raced == 0 {
		t.Errorf("in no trial did the second apply wait for the first: the race this test is about never happened")
	}
}

// TestRacingSavedPlansApplyOnce: two plans saved before either is
// applied, applied at the same moment: one applies, the other is refused
// as stale under the lock, changing nothing.
func TestRacingSavedPlansApplyOnce(t *testing.T) {
	t.Parallel()
	a, _, _ := lockedAccount(t, "-provision-delay", "100ms")
	fleet := a.groupFleet("saved", 3)
	p1, p2 := filepath.Join(a.dir, "one.plan"), filepath.Join(a.dir, "two.plan")
	a.must(0, "plan", "-out", p1, fleet)
	a.must(0, "plan", "-out", p2, fleet)
	r1 := a.start("apply", "-poll-interval", "20ms", "-lock-timeout", "2m", p1)
	r2 := a.start("apply", "-poll-interval", "20ms", "-lock-timeout", "2m", p2)
	codes := map[int]int{}
	for _, r := range []*running{r1, r2} {
		code := r.finish()
		codes[code]++
		if code == 1 && !strings.Contains(r.errs.String(), "the account changed since the plan") {
			t.Errorf("the refused saved plan does not say it is stale:\n%s", r.errs.String())
		}
	}
	if codes[0] != 1 || codes[1] != 1 {
		t.Errorf("exit codes %v, want one 0 and one 1\n%s%s\n%s%s", codes, r1.out.String(), r1.errs.String(), r2.out.String(), r2.errs.String())
	}
	onlyOnce(t, a.namesCount(), "saved", 3)
	runs := a.runs()
	var ok, stale int
	for _, r := range runs {
		switch {
		case exitOf(r) == "0" && r.Plan["create"] == 3:
			ok++
		case exitOf(r) == "1" && strings.Contains(r.Error, "changed since the plan"):
			stale++
			for _, s := range r.Servers {
				if s.Outcome != "not started" {
					t.Errorf("the stale run records %s as %s", s.Name, s.Outcome)
				}
			}
		}
	}
	if len(runs) != 2 || ok != 1 || stale != 1 {
		t.Errorf("journal: %+v, want one applied run and one refused as stale", runs)
	}
}

// waitForServers waits until n servers of the account are named
// prefix-*, failing after a minute.
func waitForServers(t *testing.T, a *account, prefix string, n int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		seen := 0
		for name := range a.namesCount() {
			if strings.HasPrefix(name, prefix+"-") {
				seen++
			}
		}
		if seen >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a minute, %d of %d servers %s-* exist", seen, n, prefix)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestKilledHolderFreesItsLocks: kill -9 of a run that holds locks frees
// them with its session: the next run that needs the same servers takes
// them at once (-lock-timeout 0), and the journal shows the killed run
// unfinished.
func TestKilledHolderFreesItsLocks(t *testing.T) {
	t.Parallel()
	a, _, _ := lockedAccount(t, "-provision-delay", "3s")
	fleet := a.groupFleet("kill", 3)
	holder := a.start("apply", "-auto-approve", "-poll-interval", "20ms", fleet)
	waitForServers(t, a, "kill", 3) // created, waiting for them to be active: the locks are held
	if err := holder.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if code := holder.finish(); code != -1 {
		t.Fatalf("the killed holder exited %d, want killed (-1)", code)
	}
	next := a.run("apply", "-auto-approve", "-poll-interval", "20ms", a.hostnameFleet("kill", 3))
	if next.code != 0 || strings.Contains(next.stderr, "locked") || strings.Contains(next.stderr, "Waiting") {
		t.Fatalf("the apply after the kill: exit %d\nstdout:\n%s\nstderr:\n%s", next.code, next.stdout, next.stderr)
	}
	onlyOnce(t, a.namesCount(), "kill", 3)
	runs := a.runs()
	if len(runs) != 2 {
		t.Fatalf("journal: %+v, want the killed run and the next", runs)
	}
	killed, after := runs[1], runs[0]
	if killed.State != journal.StateUnfinished || killed.PID != holder.cmd.Process.Pid || len(killed.Servers) != 3 || killed.Servers[0].Outcome != journal.OutcomePending {
		t.Errorf("the killed run: %+v, want unfinished with its servers pending", killed)
	}
	if after.State != journal.StateFinished || exitOf(after) != "0" || after.Plan["update"] != 3 {
		t.Errorf("the run after it: %+v", after)
	}
}

// TestLockTimeoutNamesTheHolder: a run that needs servers another run
// holds waits -lock-timeout, saying who holds them, then fails, changing
// nothing; the journal records both.
func TestLockTimeoutNamesTheHolder(t *testing.T) {
	t.Parallel()
	a, _, _ := lockedAccount(t, "-provision-delay", "2s")
	holder := a.start("apply", "-auto-approve", "-poll-interval", "20ms", a.groupFleet("held", 2))
	holder.readUntil(holder.stdout, &holder.out, "Creating...")
	r := a.run("apply", "-auto-approve", "-lock-timeout", "300ms", a.hostnameFleet("held", 2))
	pid := fmt.Sprintf("pid %d", holder.cmd.Process.Pid)
	for _, want := range []string{"Waiting up to 300ms (-lock-timeout) for locks", "Error: locked:", "held-0, held-1 by ", pid,
		"(`vpsfleet apply -auto-approve -poll-interval 20ms ", "since ", "Waited ", "nothing was changed"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.code != 1 {
		t.Errorf("timed out: exit %d, want 1", r.code)
	}
	if code := holder.finish(); code != 0 {
		t.Fatalf("the holder: exit %d\n%s%s", code, holder.out.String(), holder.errs.String())
	}
	for _, s := range a.servers() {
		if s["hostname"] != nil && s["hostname"] != "" {
			t.Errorf("the run that timed out changed %s: hostname %v", s["name"], s["hostname"])
		}
	}
	runs := a.runs()
	if len(runs) != 2 {
		t.Fatalf("journal: %+v", runs)
	}
	timedOut, held := runs[0], runs[1]
	if held.PID != holder.cmd.Process.Pid {
		timedOut, held = held, timedOut
	}
	if exitOf(timedOut) != "1" || !strings.Contains(timedOut.Error, "locked: ") || !strings.Contains(timedOut.Error, pid) {
		t.Errorf("the run that timed out: %+v", timedOut)
	}
	if exitOf(held) != "0" || held.Plan["create"] != 2 {
		t.Errorf("the holder's run: %+v", held)
	}
}

// TestLockDatabaseDown: a lock database that cannot be reached is a clear
// error (never showing the password) before anything changes.
func TestLockDatabaseDown(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens there now
	down := fmt.Sprintf("postgres://vpsfleet:pw-s3cret@127.0.0.1:%d/locks", port)
	base, _ := serveSandbox(t, "-empty")
	a := servedAccount(t, t.TempDir(), base, "sandbox")
	a.env = append(a.env, "VPSFLEET_LOCK_URL="+down)
	where := fmt.Sprintf("cannot connect to the lock database at 127.0.0.1:%d/locks", port)
	for _, args := range [][]string{
		{"apply", "-auto-approve", a.groupFleet("down", 2)},
		{"destroy", "-auto-approve", a.groupFleet("down", 2)},
		{"server", "create", "-name", "down-9", "-plan-id", "1", "-os-id", "5", "-location", "us-west"},
		{"runs"},
	} {
		r := a.run(args...)
		if r.code != 1 || !strings.Contains(r.stderr, where) || strings.Contains(r.stdout+r.stderr, "pw-s3cret") {
			t.Errorf("vpsfleet %s with the database down: exit %d\nstderr:\n%s", args[0], r.code, r.stderr)
		}
		if args[0] != "runs" && !strings.Contains(r.stderr, "nothing was changed") {
			t.Errorf("vpsfleet %s does not say that nothing was changed:\n%s", args[0], r.stderr)
		}
	}
	if n := len(a.servers()); n != 0 {
		t.Errorf("%d servers exist after runs that could not lock", n)
	}
	if n := sandboxCount(t, base, "POST /api/v1/servers/"); n != 0 {
		t.Errorf("%d creates were sent", n)
	}
	// -lock=false is the way out, with a warning.
	r := a.must(0, "apply", "-auto-approve", "-lock=false", "-poll-interval", "20ms", a.groupFleet("down", 2))
	if !strings.Contains(r.stderr, "Warning: -lock=false") {
		t.Errorf("-lock=false without a warning:\n%s", r.stderr)
	}
}

// TestDisjointFleetsApplyInParallel: two fleets of one account that
// share no server hold their locks at the same time: the journal's spans
// of the two runs overlap. The wall times are logged, not asserted.
func TestDisjointFleetsApplyInParallel(t *testing.T) {
	// 800ms falls between two polls of the backing-off poller (at about
	// 640ms and 980ms), so that every apply here sees its servers active
	// at the same poll and the wall times compare.
	a, _, _ := lockedAccount(t, "-provision-delay", "800ms")
	args := func(fleet string) []string {
		return []string{"apply", "-auto-approve", "-poll-interval", "20ms", "-lock-timeout", "2m", fleet}
	}
	a.must(0, "runs") // the tables exist before anything is timed
	began := time.Now()
	a.must(0, args(a.groupFleet("solo", 4))...)
	alone := time.Since(began)

	left, right := a.groupFleet("left", 4), a.groupFleet("right", 4)
	began = time.Now()
	rl, rr := a.start(args(left)...), a.start(args(right)...)
	for _, r := range []*running{rl, rr} {
		if code := r.finish(); code != 0 {
			t.Errorf("exit %d\n%s%s", code, r.out.String(), r.errs.String())
		}
		if strings.Contains(r.errs.String(), "Waiting") {
			t.Errorf("a fleet waited for the other's locks:\n%s", r.errs.String())
		}
	}
	both := time.Since(began)
	runs := a.runs()
	l, r := runsOf(runs, left), runsOf(runs, right)
	if len(l) != 1 || len(r) != 1 || l[0].FinishedAt == nil || r[0].FinishedAt == nil {
		t.Fatalf("journal: %+v", runs)
	}
	if !l[0].StartedAt.Before(*r[0].FinishedAt) || !r[0].StartedAt.Before(*l[0].FinishedAt) {
		t.Errorf("the runs did not overlap: left %s to %s, right %s to %s", l[0].StartedAt, l[0].FinishedAt, r[0].StartedAt, r[0].FinishedAt)
	}
	onlyOnce(t, a.namesCount(), "left", 4)
	onlyOnce(t, a.namesCount(), "right", 4)
	t.Logf("one apply of 4 servers alone: %s; two disjoint applies of 4 side by side: %s (journal spans: left %s, right %s)",
		alone.Round(time.Millisecond), both.Round(time.Millisecond),
		l[0].FinishedAt.Sub(l[0].StartedAt).Round(time.Millisecond), r[0].FinishedAt.Sub(r[0].StartedAt).Round(time.Millisecond))
}

// TestLostLockConnectionStopsNewWork: when the lock database ends the
// run's session mid-run, the run notices (within its heartbeat), starts
// nothing new, says so and exits 1; the next apply converges.
func TestLostLockConnectionStopsNewWork(t *testing.T) {
	t.Parallel()
	a, _, db := lockedAccount(t, "-provision-delay", "8s")
	fleet := a.groupFleet("cut", 3)
	r := a.start("apply", "-auto-approve", "-poll-interval", "20ms", fleet)
	waitForServers(t, a, "cut", 3)
	obs := pgtest.Connect(t, db)
	var ended int
	err := obs.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'vpsfleet' AND pid <> pg_backend_pid()`).Scan(&ended)
	if err != nil || ended != 1 {
		t.Fatalf("ending the run's session: %d ended, %v", ended, err)
	}
	code := r.finish()
	said := r.errs.String()
	for _, want := range []string{"The locks were lost", "Starting nothing new", "No new work was started once the locks were lost"} {
		if !strings.Contains(said, want) {
			t.Errorf("stderr lacks %q:\n%s", want, said)
		}
	}
	if code != 1 || !strings.Contains(r.out.String(), "0 of 3 changes done; 3 interrupted") {
		t.Errorf("exit %d, want 1 with the waits interrupted\n%s", code, r.out.String())
	}
	a.must(0, "apply", "-auto-approve", "-poll-interval", "20ms", fleet)
	onlyOnce(t, a.namesCount(), "cut", 3)
	runs := a.runs()
	if len(runs) != 2 || runs[1].State != journal.StateUnfinished || exitOf(runs[0]) != "0" {
		t.Errorf("journal: %+v, want the cut-off run unfinished and the next one finished", runs)
	}
}

// TestLockAndJournalKeepNoSecrets: the API token and the lock database's
// password given as flags never reach the journal or the output; the
// command line is recorded with them redacted.
func TestLockAndJournalKeepNoSecrets(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDatabase(t)
	// The test cluster trusts loopback logins, so any password is accepted.
	withPassword := strings.Replace(db, "postgres://postgres@", "postgres://postgres:pw-s3cret-7@", 1)
	if withPassword == db {
		t.Fatalf("the test database URL %q has no user to add a password to", db)
	}
	base, _ := serveSandbox(t, "-empty", "-token", "tok-s3cret-9", "-provision-delay", "10ms")
	a := servedAccount(t, t.TempDir(), base, "")
	r := a.must(0, "apply", "-auto-approve", "-poll-interval", "10ms", "-token", "tok-s3cret-9", "-lock-url", withPassword, a.groupFleet("secret", 2))
	runs := a.must(0, "runs", "-json", "-lock-url", withPassword)
	text := a.must(0, "runs", "-lock-url", withPassword)
	for _, out := range []string{r.stdout + r.stderr, runs.stdout + runs.stderr, text.stdout} {
		if strings.Contains(out, "tok-s3cret-9") || strings.Contains(out, "pw-s3cret-7") {
			t.Errorf("a secret was shown:\n%s", out)
		}
	}
	if !strings.Contains(runs.stdout, `-token [redacted]`) || !strings.Contains(runs.stdout, `postgres:[redacted]@`) {
		t.Errorf("the journal's command line is not the redacted one:\n%s", runs.stdout)
	}
}
