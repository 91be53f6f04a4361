package apply

import (
	"context"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	et "github.com/vpsfleet/vpsfleet/internal/enginetest"
	"github.com/vpsfleet/vpsfleet/schema"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
)

// sandboxEnv is a sandbox account served over HTTP and a real client of
// it (enginetest.Sandbox), with the engine's view of its servers.
type sandboxEnv struct {
	*et.Sandbox
	acct   *sandbox.Account
	client *api.Client
	url    string
}

// newSandbox serves a sandbox with opts (see enginetest.NewSandbox).
func newSandbox(t testing.TB, opts sandbox.Options, clientOpts ...api.Option) *sandboxEnv {
	t.Helper()
	e := et.NewSandbox(t, opts, clientOpts...)
	return &sandboxEnv{Sandbox: e, acct: e.Acct, client: e.Client, url: e.URL}
}

// planAgainst reads the account and plans fleet against it.
func planAgainst(t *testing.T, c *api.Client, fleet *schema.Fleet) (*engine.Plan, []api.Server) {
	t.Helper()
	live, err := engine.ReadLive(context.Background(), c, fleet, engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, diags := engine.BuildPlan(fleet, live, engine.PlanOptions{})
	if diags.HasErrors() {
		t.Fatalf("plan: %v", diags)
	}
	return p, live
}

// fastOptions are apply options for tests: millisecond polling.
func fastOptions() Options {
	return Options{PollInterval: time.Millisecond, MaxPollInterval: 5 * time.Millisecond, Timeout: time.Minute}
}

// seed imports servers and returns their live states by name.
func (e *sandboxEnv) seed(t testing.TB, specs ...sandbox.ServerSpec) map[string]*engine.ServerState {
	t.Helper()
	if _, err := e.acct.Import(specs); err != nil {
		t.Fatalf("Import: %v", err)
	}
	states := map[string]*engine.ServerState{}
	for _, s := range e.list(t) {
		states[s.Name] = testLiveState(s)
	}
	return states
}

// list returns every server of the account, sorted by name then id.
func (e *sandboxEnv) list(t testing.TB) []api.Server { t.Helper(); return e.List(t) }

// byName returns the account's servers by name; it fails the test when a
// name is held twice (a duplicate create).
func (e *sandboxEnv) byName(t testing.TB) map[string]api.Server { t.Helper(); return e.ByName(t) }

// detail reads one server with the fields a list leaves out.
func (e *sandboxEnv) detail(t testing.TB, id int64) *api.Server { t.Helper(); return e.Detail(t, id) }

// testLiveState is the before state of a listed server.
func testLiveState(s api.Server) *engine.ServerState {
	power := schema.PowerOn
	if s.Status == api.StatusStopped || s.Status == api.StatusStopping {
		power = schema.PowerOff
	}
	st := &engine.ServerState{ID: s.ID, Name: s.Name, PlanID: s.Plan.ID, OSID: s.OS.ID, Location: s.Location,
		Hostname: s.Hostname, Power: power, Status: s.Status}
	if s.BackupsEnabled != nil {
		st.BackupsEnabled = *s.BackupsEnabled
	}
	return st
}

// desired is a desired state with the test defaults: plan 1, Ubuntu,
// us-west, power on.
func desired(name string) *engine.ServerState {
	return &engine.ServerState{Name: name, PlanID: 1, OSID: 5, Location: "us-west", Power: "on"}
}

// spec is an import spec with the same defaults as desired.
func spec(name string) sandbox.ServerSpec { return et.Spec(name) }

// createPlan is a plan that creates every name.
func createPlan(names ...string) *engine.Plan {
	p := &engine.Plan{FormatVersion: engine.FormatVersion}
	for _, n := range names {
		p.Changes = append(p.Changes, engine.Change{Name: n, Actions: []engine.Action{engine.ActionCreate}, After: desired(n)})
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
func mustApply(t testing.TB, acct engine.Account, p *engine.Plan, opts Options) *Result {
	t.Helper()
	res, err := Run(context.Background(), acct, p, opts)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return res
}

// resultOf returns the result of the named server.
func resultOf(t testing.TB, res *Result, name string) ServerResult {
	t.Helper()
	for _, r := range res.Results {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no result for %s in %+v", name, res.Results)
	return ServerResult{}
}
