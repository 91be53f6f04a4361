package apply

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
	et "github.com/vpsfleet/vpsfleet/internal/enginetest"
	"github.com/vpsfleet/vpsfleet/schema"
)

// The rollout tests run in a synctest bubble against an account in
// memory (memAccount), whose servers provision for 4 s and stop, start
// or reboot for 1 s of fake time. A sampler looks at the account every
// 10 ms of fake time and keeps the most servers of the group it ever saw
// unavailable.

// tierFleet declares web-01..web-NN (plan_id 2 unless planID says
// otherwise) with the body lines given, and db-01, db-02.
func tierFleet(t *testing.T, n int, body string) *schema.Fleet {
	t.Helper()
	return et.LoadFleet(t, fmt.Sprintf(`
defaults {
  os_id    = 5
  location = "us-west"
}
server "db" {
  count   = 2
  name    = format("db-%%02d", count.index + 1)
  plan_id = 1
}
server "web" {
  count   = %d
  name    = format("web-%%02d", count.index + 1)
  plan_id = 2
  %s
}
`, n, body))
}

// seed puts a server in the account at once, in status st.
func (a *memAccount) seed(name string, planID int64, st api.Status) int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	id := a.nextID
	a.nextID++
	now := time.Now()
	a.servers[id] = &memServer{srv: api.Server{ID: id, Name: name, Status: st, Location: "us-west",
		Plan: api.Plan{ID: planID}, OS: api.OS{ID: 5}, CreatedAt: now, UpdatedAt: now}}
	if st == api.StatusProvisioning {
		a.servers[id].until, a.servers[id].next = now.Add(a.provision(id)), api.StatusActive
	}
	return id
}

// seedTier puts db-01, db-02 and web-01..web-NN (plan 1) in the account,
// active.
func (a *memAccount) seedTier(n int) { a.seedTierOf(n, 1) }

// seedTierOf is seedTier with web's servers of plan planID.
func (a *memAccount) seedTierOf(n int, planID int64) {
	a.seed("db-01", 1, api.StatusActive)
	a.seed("db-02", 1, api.StatusActive)
	for i := 1; i <= n; i++ {
		a.seed(fmt.Sprintf("web-%02d", i), planID, api.StatusActive)
	}
}

// snapshot is every server of the account as it is now.
func (a *memAccount) snapshot() []api.Server {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := time.Now()
	out := make([]api.Server, 0, len(a.servers))
	for _, s := range a.servers {
		out = append(out, s.view(now))
	}
	return out
}

// planOf plans fleet against the account.
func planOf(t *testing.T, acct *memAccount, fleet *schema.Fleet, build func(*schema.Fleet, []api.Server) (*engine.Plan, error)) *engine.Plan {
	t.Helper()
	p, err := build(fleet, acct.snapshot())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func buildPlan(fleet *schema.Fleet, live []api.Server) (*engine.Plan, error) {
	p, diags := engine.BuildPlan(fleet, live, engine.PlanOptions{})
	if diags.HasErrors() {
		return nil, diags
	}
	return p, nil
}

// sampler looks at the account every 10 ms of fake time until stopped.
type sampler struct {
	mu    sync.Mutex
	most  int
	seen  int
	stop  chan struct{}
	ended chan struct{}
}

// sample starts a sampler that counts, in each look, what bad says of
// the servers, and keeps the most.
func sample(acct *memAccount, bad func([]api.Server) int) *sampler {
	s := &sampler{stop: make(chan struct{}), ended: make(chan struct{})}
	go func() {
		defer close(s.ended)
		for {
			n := bad(acct.snapshot())
			s.mu.Lock()
			s.most, s.seen = max(s.most, n), s.seen+1
			s.mu.Unlock()
			select {
			case <-s.stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return s
}

// done stops the sampler and returns the most it counted.
func (s *sampler) done() int {
	close(s.stop)
	<-s.ended
	return s.most
}

// unavailable counts the servers web-01..web-NN that are not active
// (gone, provisioning, stopping, rebooting), and, when healthy is not
// nil, the active ones it does not say are healthy.
func unavailable(n int, healthy func(id int64) bool) func([]api.Server) int {
	return func(servers []api.Server) int {
		up := 0
		for _, s := range servers {
			if s.Status == api.StatusActive && strings.HasPrefix(s.Name, "web-") && len(s.Name) == 6 && (healthy == nil || healthy(s.ID)) {
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

// batchEvents is a Progress that keeps every event, with its fake time.
type batchEvents struct {
	mu     sync.Mutex
	events []timedEvent
}

type timedEvent struct {
	Event
	at time.Time
}

func (b *batchEvents) Event(e Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.events = append(b.events, timedEvent{e, time.Now()})
}

// batches returns the batches announced, as "group N/M: names".
func (b *batchEvents) batches() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, e := range b.events {
		if e.Kind == EventBatch {
			out = append(out, fmt.Sprintf("%s %d/%d: %s", e.Batch.Group, e.Batch.Number, e.Batch.Of, strings.Join(e.Servers, " ")))
		}
	}
	return out
}

// first returns the time of the first event of server with kind and
// action ("" any), and whether there is one.
func (b *batchEvents) first(server string, kind EventKind, action engine.Action) (time.Time, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.events {
		if e.Server == server && e.Kind == kind && (action == "" || e.Action == action) {
			return e.at, true
		}
	}
	return time.Time{}, false
}

// checks is a health check in memory: it takes a second, and passes
// unless fail says otherwise; it records the servers it passed.
type checks struct {
	mu      sync.Mutex
	healthy map[int64]bool
	runs    int
	fail    func(id int64) bool
	// during is called, if set, with the id at each run.
	during func(id int64)
}

func (c *checks) run(ctx context.Context, command, env []string, dir string) ([]byte, error) {
	var id int64
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, EnvServerID+"="); ok {
			fmt.Sscan(v, &id)
		}
	}
	if c.during != nil {
		c.during(id)
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(time.Second):
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.runs++
	if c.fail != nil && c.fail(id) {
		return []byte("HTTP 503\n"), errors.New("it exited with status 1")
	}
	if c.healthy == nil {
		c.healthy = map[int64]bool{}
	}
	c.healthy[id] = true
	return nil, nil
}

func (c *checks) passed(id int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.healthy[id]
}

// TestRolloutKeepsItsBudget: a replace of 12 with max_unavailable 3 runs
// in four batches of three, and the account never has more than three of
// them unavailable; a stop of 10 with "20%" never has more than two
// stopping; with a health check, a server counts as available only once
// the check passed, and a 20-server tier with max_unavailable 2 never has
// fewer than 18 healthy; create_before_destroy never has one unavailable,
// nor more than two new servers beside the old ones.
func TestRolloutKeepsItsBudget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		n       int
		body    string
		checked bool
		// measure counts what must stay at most allowed.
		measure func(c *checks) func([]api.Server) int
		allowed int
		batches int
	}{
		{"replace 12, max_unavailable 3", 12, `rollout { max_unavailable = 3 }`, false,
			func(*checks) func([]api.Server) int { return unavailable(12, nil) }, 3, 4},
		{"stop 10, 20%", 10, `power = "off"
  rollout { max_unavailable = "20%" }`, false,
			func(*checks) func([]api.Server) int { return inStatus(api.StatusStopping) }, 2, 5},
		{"replace 20 healthy, max_unavailable 2", 20, `rollout {
    max_unavailable = 2
    health_check { command = ["./check.sh"] }
  }`, true,
			func(c *checks) func([]api.Server) int {
				initial := map[int64]bool{}
				return func(servers []api.Server) int {
					if len(initial) == 0 {
						for _, s := range servers {
							initial[s.ID] = true
						}
					}
					return unavailable(20, func(id int64) bool { return initial[id] || c.passed(id) })(servers)
				}
			}, 2, 10},
		// create_before_destroy never takes a server away: the rollout
		// bounds the new servers made beside the old ones instead.
		{"replace 6 create_before_destroy, max_unavailable 2", 6, `lifecycle { create_before_destroy = true }
  rollout { max_unavailable = 2 }`, false,
			func(*checks) func([]api.Server) int {
				return func(servers []api.Server) int {
					if unavailable(6, nil)(servers) > 0 {
						return 100 // a server was gone: fail
					}
					return len(servers) - 8 // the new ones beside db's two and web's six
				}
			}, 2, 3},
	}
	for _, tt := range tests {
		fleet := tierFleet(t, tt.n, tt.body)
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				acct := newMemAccount()
				livePlan := int64(1)
				if strings.Contains(tt.body, "power") {
					livePlan = 2 // only the power changes
				}
				acct.seedTierOf(tt.n, livePlan)
				p := planOf(t, acct, fleet, buildPlan)
				c := &checks{}
				s := sample(acct, tt.measure(c))
				events := &batchEvents{}
				opts := fastOptions()
				opts.Progress, opts.runCheck = events, c.run
				res := mustApply(t, acct, p, opts)
				most := s.done()
				if !res.OK() {
					t.Fatalf("apply: %+v", res.Results)
				}
				if most > tt.allowed || most == 0 {
					t.Errorf("at most %d seen at once, allowed %d", most, tt.allowed)
				}
				if got := events.batches(); len(got) != tt.batches {
					t.Errorf("%d batches, want %d:\n%s", len(got), tt.batches, strings.Join(got, "\n"))
				}
				if tt.checked && c.runs != tt.n {
					t.Errorf("%d health checks ran, want %d", c.runs, tt.n)
				}
				t.Logf("most seen at once: %d (allowed %d); %d looks", most, tt.allowed, s.seen)
			})
		})
	}
}

// TestRolloutStopsAfterAFailingBatch: when the health check fails, the
// first batch is the last: the rest of the group is not started, each
// with the reason, and untouched; the next apply goes on from there.
func TestRolloutStopsAfterAFailingBatch(t *testing.T) {
	t.Parallel()
	fleet := tierFleet(t, 6, `rollout {
    max_unavailable = 2
    health_check { command = ["false"] }
  }`)
	synctest.Test(t, func(t *testing.T) {
		acct := newMemAccount()
		acct.seedTier(6)
		before := map[string]int64{}
		for _, s := range acct.snapshot() {
			before[s.Name] = s.ID
		}
		p := planOf(t, acct, fleet, buildPlan)
		c := &checks{fail: func(int64) bool { return true }}
		opts := fastOptions()
		opts.runCheck = c.run
		res := mustApply(t, acct, p, opts)
		if res.OK() {
			t.Fatal("the apply succeeded")
		}
		for _, sr := range res.Results {
			switch sr.Name {
			case "web-01", "web-02":
				var hc *HealthCheckError
				if sr.Outcome != OutcomeFailed || !errors.As(sr.Err, &hc) || hc.Attempts != schema.DefaultHealthCheckRetries+1 || hc.Output != "HTTP 503" {
					t.Errorf("%s: %s %v, want failed by its health check", sr.Name, sr.Outcome, sr.Err)
				}
				if sr.Batch != (Batch{Group: "web", Number: 1, Of: 3}) {
					t.Errorf("%s: batch %+v", sr.Name, sr.Batch)
				}
			default:
				if sr.Outcome != OutcomeNotStarted || !errors.Is(sr.Err, ErrRolloutStopped) ||
					!strings.Contains(sr.Err.Error(), "2 servers (web-01, web-02) failed in web's rollout (batch 1 of 3), more than max_failures 0 allows") {
					t.Errorf("%s: %s %v, want not started: the rollout stopped", sr.Name, sr.Outcome, sr.Err)
				}
			}
		}
		for _, s := range acct.snapshot() {
			if id, ok := before[s.Name]; s.Name >= "web-03" && (!ok || id != s.ID || s.Plan.ID != 1) {
				t.Errorf("%s was touched: id %d (was %d), plan %d", s.Name, s.ID, id, s.Plan.ID)
			}
		}

		// The check passes now: the next apply replaces the four left.
		c.fail = nil
		p = planOf(t, acct, fleet, buildPlan)
		if p.Summary.Replace != 4 {
			t.Fatalf("the next plan replaces %d, want the 4 left", p.Summary.Replace)
		}
		if res := mustApply(t, acct, p, opts); !res.OK() {
			t.Fatalf("the next apply: %+v", res.Results)
		}
	})
}

// TestRolloutPausesBetweenBatches: each batch begins a pause after the
// last one ended; the first Ctrl-C during a pause starts no new batch and
// returns at once.
func TestRolloutPausesBetweenBatches(t *testing.T) {
	t.Parallel()
	fleet := tierFleet(t, 6, `rollout {
    max_unavailable = 2
    pause           = "30s"
  }`)
	synctest.Test(t, func(t *testing.T) {
		acct := newMemAccount()
		acct.seedTier(6)
		p := planOf(t, acct, fleet, buildPlan)
		events := &batchEvents{}
		opts := fastOptions()
		opts.Progress = events
		res := mustApply(t, acct, p, opts)
		if !res.OK() {
			t.Fatalf("apply: %+v", res.Results)
		}
		for _, pair := range [][2]string{{"web-02", "web-03"}, {"web-04", "web-05"}} {
			ended, _ := events.first(pair[0], EventComplete, "")
			began, _ := events.first(pair[1], EventStart, engine.ActionDelete)
			if gap := began.Sub(ended); gap < 30*time.Second || gap > 31*time.Second {
				t.Errorf("%s began %s after %s ended, want the 30s pause", pair[1], gap, pair[0])
			}
		}
	})
	synctest.Test(t, func(t *testing.T) {
		acct := newMemAccount()
		acct.seedTier(6)
		p := planOf(t, acct, fleet, buildPlan)
		events := &batchEvents{}
		interrupt := make(chan struct{})
		opts := fastOptions()
		opts.Progress, opts.Interrupt = events, interrupt
		opts.Progress = progressFunc(func(e Event) {
			events.Event(e)
			if e.Kind == EventComplete && e.Server == "web-02" {
				close(interrupt)
			}
		})
		start := time.Now()
		res := mustApply(t, acct, p, opts)
		if took := time.Since(start); took > 20*time.Second {
			t.Errorf("Run returned %s after it began, during a pause of 30s", took)
		}
		if got := events.batches(); len(got) != 1 {
			t.Errorf("batches after the interrupt: %v", got)
		}
		for _, sr := range res.Results {
			if sr.Name >= "web-03" && (sr.Outcome != OutcomeNotStarted || !errors.Is(sr.Err, ErrInterrupted)) {
				t.Errorf("%s: %s %v, want not started", sr.Name, sr.Outcome, sr.Err)
			}
		}
	})
}

// progressFunc is a Progress of a function.
type progressFunc func(Event)

func (f progressFunc) Event(e Event) { f(e) }

// TestDependsOnOrdersCreatesAndDeletes: web's creates begin once db's
// servers are active; destroying deletes web first; a dependency that
// fails leaves its dependants not started.
func TestDependsOnOrdersCreatesAndDeletes(t *testing.T) {
	t.Parallel()
	fleet := tierFleet(t, 3, `depends_on = ["db"]`)
	synctest.Test(t, func(t *testing.T) {
		acct := newMemAccount()
		events := &batchEvents{}
		opts := fastOptions()
		opts.Progress = events
		res := mustApply(t, acct, planOf(t, acct, fleet, buildPlan), opts)
		if !res.OK() {
			t.Fatalf("apply: %+v", res.Results)
		}
		var dbUp time.Time
		for _, db := range []string{"db-01", "db-02"} {
			at, _ := events.first(db, EventComplete, "")
			if at.After(dbUp) {
				dbUp = at
			}
		}
		for _, web := range []string{"web-01", "web-02", "web-03"} {
			if at, _ := events.first(web, EventStart, engine.ActionCreate); at.Before(dbUp) {
				t.Errorf("%s was created at %s, before db was up at %s", web, at, dbUp)
			}
		}

		events = &batchEvents{}
		opts.Progress = events
		destroy, diags := engine.BuildDestroyPlan(fleet, acct.snapshot(), engine.PlanOptions{})
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		if res := mustApply(t, acct, destroy, opts); !res.OK() {
			t.Fatalf("destroy: %+v", res.Results)
		}
		var webGone time.Time
		for _, web := range []string{"web-01", "web-02", "web-03"} {
			at, _ := events.first(web, EventComplete, "")
			if at.After(webGone) {
				webGone = at
			}
		}
		for _, db := range []string{"db-01", "db-02"} {
			if at, _ := events.first(db, EventStart, engine.ActionDelete); at.Before(webGone) {
				t.Errorf("%s was deleted at %s, before web was gone at %s", db, at, webGone)
			}
		}
	})
	synctest.Test(t, func(t *testing.T) {
		acct := newMemAccount()
		acct.provision = func(id int64) time.Duration {
			if id == 12345 {
				return -1 // db-01 never comes up
			}
			return 4 * time.Second
		}
		opts := fastOptions()
		opts.Timeout = time.Minute
		res := mustApply(t, acct, planOf(t, acct, fleet, buildPlan), opts)
		for _, sr := range res.Results {
			switch {
			case sr.Name == "db-01":
				var timeout *TimeoutError
				if !errors.As(sr.Err, &timeout) {
					t.Errorf("db-01: %v, want a timeout", sr.Err)
				}
			case sr.Name == "db-02":
				if sr.Outcome != OutcomeDone {
					t.Errorf("db-02: %s %v", sr.Outcome, sr.Err)
				}
			case sr.Outcome != OutcomeNotStarted || !errors.Is(sr.Err, ErrDependency) || !strings.Contains(sr.Err.Error(), "the servers of db to come up, and db-01 did not"):
				t.Errorf("%s: %s %v, want not started: db-01 did not come up", sr.Name, sr.Outcome, sr.Err)
			}
		}
		if n := acct.count("create"); n != 2 {
			t.Errorf("%d creates, want db's two only", n)
		}
	})
}

// TestRolloutWaitsForServersAlreadyDown: a server of the group that is
// still provisioning takes the budget's one place until it is active;
// one that cannot come back stops the rollout at once.
func TestRolloutWaitsForServersAlreadyDown(t *testing.T) {
	t.Parallel()
	fleet := tierFleet(t, 4, `rollout { max_unavailable = 1 }`)
	synctest.Test(t, func(t *testing.T) {
		acct := newMemAccount()
		acct.seedTier(3)
		acct.seed("web-04", 2, api.StatusProvisioning) // active in 4 s
		p := planOf(t, acct, fleet, buildPlan)
		if g := p.Group("web"); g.Down != 1 || len(g.Settling) != 1 {
			t.Fatalf("web: %+v", g)
		}
		events := &batchEvents{}
		opts := fastOptions()
		opts.Progress = events
		start := time.Now()
		res := mustApply(t, acct, p, opts)
		if !res.OK() || len(res.Results) != 3 {
			t.Fatalf("apply: %+v", res.Results)
		}
		if at, _ := events.first("web-01", EventStart, engine.ActionDelete); at.Sub(start) < 4*time.Second {
			t.Errorf("web-01 was deleted %s into the apply, while web-04 still provisioned", at.Sub(start))
		}
		if _, ok := events.first("web-04", EventStart, ""); ok {
			t.Error("the watch of web-04 reported events")
		}
	})
	synctest.Test(t, func(t *testing.T) {
		acct := newMemAccount()
		acct.seedTier(3)
		acct.seed("web-04", 2, api.StatusSuspended)
		p := planOf(t, acct, fleet, buildPlan)
		res := mustApply(t, acct, p, fastOptions())
		for _, sr := range res.Results {
			if sr.Outcome != OutcomeNotStarted || !errors.Is(sr.Err, ErrRolloutStopped) || !strings.Contains(sr.Err.Error(), "leaves no room") {
				t.Errorf("%s: %s %v, want not started: no room", sr.Name, sr.Outcome, sr.Err)
			}
		}
		if n := acct.count("delete"); n != 0 {
			t.Errorf("%d deletes sent", n)
		}
	})
}

// TestCreateBeforeDestroyChecksTheNewServerFirst: with
// create_before_destroy, the new server is health-checked while the old
// one still runs.
func TestCreateBeforeDestroyChecksTheNewServerFirst(t *testing.T) {
	t.Parallel()
	fleet := tierFleet(t, 2, `lifecycle { create_before_destroy = true }
  rollout {
    health_check { command = ["./check.sh"] }
  }`)
	synctest.Test(t, func(t *testing.T) {
		acct := newMemAccount()
		acct.seedTier(2)
		old := map[int64]bool{}
		for _, s := range acct.snapshot() {
			old[s.ID] = true
		}
		p := planOf(t, acct, fleet, buildPlan)
		var mu sync.Mutex
		var during []string
		c := &checks{during: func(id int64) {
			mu.Lock()
			defer mu.Unlock()
			web := 0
			for _, s := range acct.snapshot() {
				if old[s.ID] && strings.HasPrefix(s.Name, "web-") {
					web++
				}
			}
			during = append(during, fmt.Sprintf("new %v, old web servers %d", !old[id], web))
		}}
		opts := fastOptions()
		opts.runCheck = c.run
		if res := mustApply(t, acct, p, opts); !res.OK() {
			t.Fatalf("apply: %+v", res.Results)
		}
		want := []string{"new true, old web servers 2", "new true, old web servers 1"}
		if !slices.Equal(during, want) {
			t.Errorf("at each health check: %q, want %q", during, want)
		}
	})
}

// TestRollingReboot: a reboot plan reboots one server of a group at a
// time by default, -max-unavailable more, and checks each one.
func TestRollingReboot(t *testing.T) {
	t.Parallel()
	fleet := tierFleet(t, 6, `rollout {
    health_check { command = ["./check.sh"] }
  }`)
	for _, maxU := range []int{1, 3} {
		synctest.Test(t, func(t *testing.T) {
			acct := newMemAccount()
			acct.seedTier(6)
			p := planOf(t, acct, fleet, func(f *schema.Fleet, live []api.Server) (*engine.Plan, error) {
				p, diags := engine.BuildRebootPlan(f, live, engine.RebootOptions{Targets: schema.GlobSet{"web"}, MaxUnavailable: &schema.MaxUnavailable{Count: maxU}})
				if diags.HasErrors() {
					return nil, diags
				}
				return p, nil
			})
			s := sample(acct, inStatus(api.StatusRebooting))
			c := &checks{}
			opts := fastOptions()
			opts.runCheck = c.run
			res := mustApply(t, acct, p, opts)
			most := s.done()
			if !res.OK() || len(res.Results) != 6 {
				t.Fatalf("reboot: %+v", res.Results)
			}
			if most != maxU {
				t.Errorf("max_unavailable %d: %d rebooting at once", maxU, most)
			}
			if c.runs != 6 || acct.count("reboot") != 6 {
				t.Errorf("%d checks, %d reboots; want 6 of each", c.runs, acct.count("reboot"))
			}
		})
	}
}
