package engine

import (
	"context"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
)

// sandboxEnv is a sandbox account served over HTTP and a real client of it.
type sandboxEnv struct {
	acct   *sandbox.Account
	client *api.Client
	url    string
}

// newSandbox serves a sandbox with opts (token "t", Seed 1 unless set)
// and returns a client whose retries wait a millisecond, or a little more
// for a 429's Retry-After, so tests run quickly.
func newSandbox(t testing.TB, opts sandbox.Options, clientOpts ...api.Option) *sandboxEnv {
	t.Helper()
	if opts.Token == "" {
		opts.Token = "t"
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	acct, err := sandbox.New(opts)
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	srv := httptest.NewServer(acct)
	t.Cleanup(func() {
		srv.Close()
		acct.Close()
	})
	base := []api.Option{
		api.WithBackoff(func(int) time.Duration { return time.Millisecond }),
		api.WithSleep(shortSleep),
		api.WithRetryBudget(100000),
		api.WithMaxRetries(20),
	}
	client, err := api.New(srv.URL, "t", append(base, clientOpts...)...)
	if err != nil {
		t.Fatalf("api.New: %v", err)
	}
	return &sandboxEnv{acct: acct, client: client, url: srv.URL}
}

// shortSleep waits at most 20ms of d: enough for a rate limit of tens of
// requests a second to refill, short enough for tests.
func shortSleep(ctx context.Context, d time.Duration) error {
	d = min(d, 20*time.Millisecond)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// fastOptions are apply options for tests: millisecond polling.
func fastOptions() ApplyOptions {
	return ApplyOptions{PollInterval: time.Millisecond, MaxPollInterval: 5 * time.Millisecond, Timeout: time.Minute}
}

// seed imports servers and returns their live states by name.
func (e *sandboxEnv) seed(t testing.TB, specs ...sandbox.ServerSpec) map[string]*ServerState {
	t.Helper()
	if _, err := e.acct.Import(specs); err != nil {
		t.Fatalf("Import: %v", err)
	}
	states := map[string]*ServerState{}
	for _, s := range e.list(t) {
		states[s.Name] = testLiveState(s)
	}
	return states
}

// list returns every server of the account, sorted by name then id.
func (e *sandboxEnv) list(t testing.TB) []api.Server {
	t.Helper()
	servers, err := e.client.ListServers(context.Background(), api.ListOptions{})
	if err != nil {
		t.Fatalf("ListServers: %v", err)
	}
	sort.Slice(servers, func(i, j int) bool {
		if servers[i].Name != servers[j].Name {
			return servers[i].Name < servers[j].Name
		}
		return servers[i].ID < servers[j].ID
	})
	return servers
}

// byName returns the account's servers by name; it fails the test when a
// name is held twice (a duplicate create).
func (e *sandboxEnv) byName(t testing.TB) map[string]api.Server {
	t.Helper()
	out := map[string]api.Server{}
	for _, s := range e.list(t) {
		if prev, dup := out[s.Name]; dup {
			t.Errorf("duplicate server name %s: ids %d and %d", s.Name, prev.ID, s.ID)
		}
		out[s.Name] = s
	}
	return out
}

// detail reads one server with the fields a list leaves out.
func (e *sandboxEnv) detail(t testing.TB, id int64) *api.Server {
	t.Helper()
	s, err := e.client.GetServer(context.Background(), id)
	if err != nil {
		t.Fatalf("GetServer(%d): %v", id, err)
	}
	return s
}

// testLiveState is the before state of a listed server.
func testLiveState(s api.Server) *ServerState {
	power := "on"
	if s.Status == api.StatusStopped || s.Status == api.StatusStopping {
		power = "off"
	}
	st := &ServerState{ID: s.ID, Name: s.Name, PlanID: s.Plan.ID, OSID: s.OS.ID, Location: s.Location,
		Hostname: s.Hostname, Power: power, Status: s.Status}
	if s.BackupsEnabled != nil {
		st.BackupsEnabled = *s.BackupsEnabled
	}
	return st
}

// desired is a desired state with the test defaults: plan 1, Ubuntu,
// us-west, power on.
func desired(name string) *ServerState {
	return &ServerState{Name: name, PlanID: 1, OSID: 5, Location: "us-west", Power: "on"}
}

// spec is an import spec with the same defaults as desired.
func spec(name string) sandbox.ServerSpec {
	return sandbox.ServerSpec{Name: name, PlanID: 1, OSID: 5, Location: "us-west"}
}

// createPlan is a plan that creates every name.
func createPlan(names ...string) *Plan {
	p := &Plan{FormatVersion: FormatVersion}
	for _, n := range names {
		p.Changes = append(p.Changes, Change{Name: n, Actions: []Action{ActionCreate}, After: desired(n)})
	}
	return p
}

// recorder is a Progress that keeps every event.
type recorder struct{ events []Event }

func (r *recorder) Event(e Event) { r.events = append(r.events, e) }

// kinds returns the "kind action" sequence of one server's events, with
// still events left out.
func (r *recorder) kinds(server string) []string {
	var out []string
	for _, e := range r.events {
		if e.Server == server && e.Kind != EventStill {
			out = append(out, e.Kind.String()+" "+string(e.Action))
		}
	}
	return out
}

// mustApply runs Apply and fails the test on a misuse error.
func mustApply(t testing.TB, acct Account, p *Plan, opts ApplyOptions) *ApplyResult {
	t.Helper()
	res, err := Apply(context.Background(), acct, p, opts)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return res
}

// resultOf returns the result of the named server.
func resultOf(t testing.TB, res *ApplyResult, name string) ServerResult {
	t.Helper()
	for _, r := range res.Results {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no result for %s in %+v", name, res.Results)
	return ServerResult{}
}
