package apply

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
)

// names returns prefix-01 .. prefix-n.
func names(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%02d", prefix, i+1)
	}
	return out
}

func TestApplyConvergesUnderFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts sandbox.Options
	}{
		{"fault rate 0.2", sandbox.Options{FaultRate: 0.2}},
		{"drop rate 0.3", sandbox.Options{DropRate: 0.3}},
		{"429 storm", sandbox.Options{RateLimit: 200}},
		{"all at once", sandbox.Options{FaultRate: 0.2, DropRate: 0.3, RateLimit: 200}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := tt.opts
			o.Empty, o.ProvisionDelay, o.TransitionDelay = true, 20*time.Millisecond, 5*time.Millisecond
			e := newSandbox(t, o)
			// Existing servers to delete, update, stop; new ones to create,
			// some of them with power off.
			var specs []sandbox.ServerSpec
			for _, n := range names("old", 5) {
				specs = append(specs, spec(n))
			}
			for _, n := range names("keep", 5) {
				specs = append(specs, spec(n))
			}
			live := e.seed(t, specs...)
			p := createPlan(names("web", 25)...)
			for i := range 5 {
				p.Changes[i].After.Power = "off"
			}
			for _, n := range names("old", 5) {
				p.Changes = append(p.Changes, engine.Change{Name: n, Actions: []engine.Action{engine.ActionDelete}, Before: live[n]})
			}
			for i, n := range names("keep", 5) {
				after := desired(n)
				after.Hostname = n + ".example.com"
				actions := []engine.Action{engine.ActionUpdate}
				if i%2 == 0 {
					after.Power = "off"
					actions = append(actions, engine.ActionStop)
				}
				p.Changes = append(p.Changes, engine.Change{Name: n, Actions: actions, Before: live[n], After: after})
			}
			opts := fastOptions()
			opts.Parallelism = 5
			res := mustApply(t, e.client, p, opts)
			if !res.OK() {
				for _, r := range res.Results {
					if r.Outcome != OutcomeDone {
						t.Errorf("%s: %s: %v", r.Name, r.Outcome, r.Err)
					}
				}
			}
			got := e.byName(t) // fails on any duplicate
			if len(got) != 30 {
				t.Errorf("account holds %d servers, want 30", len(got))
			}
			for i, n := range names("web", 25) {
				want := api.StatusActive
				if i < 5 {
					want = api.StatusStopped
				}
				if got[n].Status != want {
					t.Errorf("%s status = %s, want %s", n, got[n].Status, want)
				}
			}
			for i, n := range names("keep", 5) {
				if got[n].Hostname != n+".example.com" {
					t.Errorf("%s hostname = %q", n, got[n].Hostname)
				}
				if want := api.StatusActive; i%2 == 0 && got[n].Status != api.StatusStopped || i%2 == 1 && got[n].Status != want {
					t.Errorf("%s status = %s", n, got[n].Status)
				}
			}
			if res.Created != 25 {
				t.Errorf("Created = %d, want 25", res.Created)
			}
		})
	}
}

func TestApplyStopsCreatesWhenCreditsRunOut(t *testing.T) {
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true, Credits: 50, ProvisionDelay: 10 * time.Millisecond})
	opts := fastOptions()
	opts.Parallelism = 3
	res := mustApply(t, e.client, createPlan(names("web", 10)...), opts)
	if !res.CreditsExhausted {
		t.Error("CreditsExhausted = false, want true")
	}
	if res.Created != 5 || res.Count(OutcomeDone) != 5 || res.Count(OutcomeNotStarted) != 5 {
		t.Errorf("created %d, done %d, not started %d; want 5, 5, 5", res.Created, res.Count(OutcomeDone), res.Count(OutcomeNotStarted))
	}
	for _, r := range res.Results {
		if r.Outcome == OutcomeNotStarted && !errors.Is(r.Err, ErrCredits) {
			t.Errorf("%s: %v, want insufficient credits", r.Name, r.Err)
		}
	}
	if n := len(e.byName(t)); n != 5 {
		t.Errorf("account holds %d servers, want 5", n)
	}
	if res.OK() {
		t.Error("OK() = true")
	}
}

func TestApplyStopsEverythingOn401(t *testing.T) {
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true})
	wrong, err := api.New(e.url, "not-the-token", api.WithBackoff(func(int) time.Duration { return 0 }))
	if err != nil {
		t.Fatal(err)
	}
	opts := fastOptions()
	opts.Parallelism = 1
	res := mustApply(t, wrong, createPlan(names("web", 5)...), opts)
	if !res.Unauthorized {
		t.Error("Unauthorized = false")
	}
	if res.Count(OutcomeDone) != 0 || e.acct.Stats().Requests["POST /api/v1/servers/"] != 1 {
		t.Errorf("results %+v, creates sent %d; want nothing done and exactly one request", res.Results, e.acct.Stats().Requests["POST /api/v1/servers/"])
	}
	for _, r := range res.Results {
		if r.Err == nil || strings.Contains(r.Err.Error(), "not-the-token") {
			t.Errorf("%s: error %v, want a reason that does not show the token", r.Name, r.Err)
		}
	}
}

func TestApplyTimesOutPerAction(t *testing.T) {
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true, ProvisionDelay: time.Hour})
	// A clock that moves a minute each time it is read: the default 10m
	// timeout passes after a few ticks, in no real time.
	var ticks atomic.Int64
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	opts := fastOptions()
	opts.Timeout = 0 // default 10m
	opts.Now = func() time.Time { return base.Add(time.Duration(ticks.Add(1)) * time.Minute) }
	res := mustApply(t, e.client, createPlan("web-03"), opts)
	r := resultOf(t, res, "web-03")
	want := fmt.Sprintf("timed out after 10m waiting for web-03 (id %d) to become active (last status provisioning)", r.ID)
	if r.Outcome != OutcomeFailed || r.Err == nil || !strings.Contains(r.Err.Error(), want) {
		t.Errorf("result = %s %v, want failed %q", r.Outcome, r.Err, want)
	}
	if res.Created != 1 {
		t.Errorf("Created = %d, want 1", res.Created)
	}
}

// interruptingAccount closes interrupt once after the n-th create answer.
type interruptingAccount struct {
	engine.Account
	n         int64
	creates   atomic.Int64
	once      sync.Once
	interrupt chan struct{}
}

func (a *interruptingAccount) CreateServer(ctx context.Context, req api.CreateRequest) (*api.Server, error) {
	s, err := a.Account.CreateServer(ctx, req)
	if a.creates.Add(1) == a.n {
		a.once.Do(func() { close(a.interrupt) })
	}
	return s, err
}

func TestApplyInterruptThenResume(t *testing.T) {
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true, ProvisionDelay: 20 * time.Millisecond})
	all := names("web", 12)
	acct := &interruptingAccount{Account: e.client, n: 3, interrupt: make(chan struct{})}
	opts := fastOptions()
	opts.Parallelism = 2
	opts.Interrupt = acct.interrupt
	res := mustApply(t, acct, createPlan(all...), opts)
	if !res.Interrupted || res.OK() {
		t.Fatalf("Interrupted = %v, OK = %v; want an interrupted, failed run", res.Interrupted, res.OK())
	}
	made := e.byName(t)
	if len(made) < 3 || len(made) > 4 {
		t.Errorf("%d servers created, want 3 or 4 (the requests in flight finish, nothing new starts)", len(made))
	}
	for _, r := range res.Results {
		_, exists := made[r.Name]
		switch {
		case r.Outcome == OutcomeNotStarted && exists:
			t.Errorf("%s is reported not started but exists", r.Name)
		case r.Outcome == OutcomeDone && !exists:
			t.Errorf("%s is reported done but does not exist", r.Name)
		}
	}
	if len(res.InFlight) != 0 {
		t.Errorf("InFlight = %v after a first Ctrl-C, want none", res.InFlight)
	}

	// The next apply, planned afresh, picks up where it stopped.
	var rest []string
	for _, n := range all {
		if _, ok := made[n]; !ok {
			rest = append(rest, n)
		}
	}
	res = mustApply(t, e.client, createPlan(rest...), fastOptions())
	if !res.OK() {
		t.Fatalf("second apply failed: %+v", res.Results)
	}
	if got := e.byName(t); len(got) != len(all) {
		t.Errorf("account holds %d servers, want %d", len(got), len(all))
	}
}

func TestApplyCancelledContextAbandons(t *testing.T) {
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true, ProvisionDelay: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	acct := &interruptingAccount{Account: e.client, n: 2, interrupt: make(chan struct{})}
	go func() {
		<-acct.interrupt
		cancel()
	}()
	res, err := Run(ctx, acct, createPlan(names("web", 6)...), fastOptions())
	if err != nil {
		t.Fatal(err)
	}
	if !res.Interrupted || res.OK() {
		t.Errorf("Interrupted = %v, OK = %v", res.Interrupted, res.OK())
	}
	for _, r := range res.Results {
		if r.Outcome == OutcomeDone {
			t.Errorf("%s done while its server is provisioning for an hour", r.Name)
		}
	}
}

func TestApplyMisuse(t *testing.T) {
	t.Parallel()
	if _, err := Run(context.Background(), nil, &engine.Plan{}, Options{}); err == nil {
		t.Error("nil account: no error")
	}
	e := newSandbox(t, sandbox.Options{Empty: true})
	if _, err := Run(context.Background(), e.client, nil, Options{}); err == nil {
		t.Error("nil plan: no error")
	}
	res := mustApply(t, e.client, &engine.Plan{}, Options{})
	if !res.OK() || len(res.Results) != 0 {
		t.Errorf("empty plan: %+v", res)
	}
}
