package apply

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	et "github.com/vpsfleet/vpsfleet/internal/enginetest"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
)

const applyFleet = `
fleet {
  owns = ["web-*", "db-*", "app-*"]
}

defaults {
  location = "us-west"
  os_id    = 5
}

server "web" {
  count    = 4
  name     = format("web-%02d", count.index + 1)
  plan_id  = 1
  hostname = "web-${count.index + 1}.example.com"
}

server "app-01" {
  plan_id = 2
  lifecycle {
    create_before_destroy = true
  }
}

server "db-01" {
  plan_id         = 2
  os_id           = 3
  location        = "us-east"
  backups_enabled = true
  power           = "off"
}

moved {
  from = "db-old"
  to   = "db-01"
}
`

func TestApplyThenAccountMatchesFleet(t *testing.T) {
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true, ProvisionDelay: 20 * time.Millisecond, TransitionDelay: 5 * time.Millisecond,
		FaultRate: 0.1, DropRate: 0.2})
	e.seed(t,
		sandbox.ServerSpec{Name: "web-02", PlanID: 2, OSID: 5, Location: "us-west"},                // replace
		sandbox.ServerSpec{Name: "web-03", PlanID: 1, OSID: 5, Location: "us-west", Stopped: true}, // start, update
		spec("web-09"), // delete
		sandbox.ServerSpec{Name: "app-01", PlanID: 1, OSID: 5, Location: "us-west"},                       // replace, create first
		sandbox.ServerSpec{Name: "db-old", PlanID: 2, OSID: 3, Location: "us-east", BackupsEnabled: true}, // rename, stop
		spec("other"), // not managed
	)
	fleet := et.LoadFleet(t, applyFleet)
	p, _ := planAgainst(t, e.client, fleet)
	for _, a := range []engine.Action{engine.ActionCreate, engine.ActionReplace, engine.ActionDelete, engine.ActionStart, engine.ActionStop, engine.ActionRename, engine.ActionUpdate} {
		if !slices.ContainsFunc(p.Changes, func(c engine.Change) bool { return c.Has(a) }) {
			t.Errorf("the plan has no %s; the test covers less than it says", a)
		}
	}
	opts := fastOptions()
	opts.Parallelism = 4
	res := mustApply(t, e.client, p, opts)
	if !res.OK() {
		t.Fatalf("apply failed: %+v", res.Results)
	}
	if next, _ := planAgainst(t, e.client, fleet); !next.Empty() {
		t.Errorf("after apply the plan still has %+v", next.Changes)
	}
	got := e.byName(t) // fails on any duplicate
	want := []string{"app-01", "db-01", "other", "web-01", "web-02", "web-03", "web-04"}
	var have []string
	for name := range got {
		have = append(have, name)
	}
	slices.Sort(have)
	if !slices.Equal(have, want) {
		t.Errorf("account = %v, want %v", have, want)
	}
	if got["db-01"].Status != api.StatusStopped {
		t.Errorf("db-01 status = %s, want stopped", got["db-01"].Status)
	}
}

// stuckAccount never answers a create: it waits until released, ignoring
// the context, like a request whose connection hangs.
type stuckAccount struct {
	engine.Account
	started chan struct{}
	release chan struct{}
}

func (a *stuckAccount) CreateServer(ctx context.Context, req api.CreateRequest) (*api.Server, error) {
	a.started <- struct{}{}
	<-a.release
	return nil, ctx.Err()
}

func TestApplySecondInterruptReturnsAtOnce(t *testing.T) {
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true})
	acct := &stuckAccount{Account: e.client, started: make(chan struct{}, 1), release: make(chan struct{})}
	defer close(acct.release)
	ctx, cancel := context.WithCancel(context.Background())
	interrupt := make(chan struct{})
	opts := fastOptions()
	opts.Parallelism = 1
	opts.Interrupt = interrupt
	done := make(chan *Result)
	go func() {
		res, _ := Run(ctx, acct, createPlan("web-01", "web-02"), opts)
		done <- res
	}()
	<-acct.started
	close(interrupt) // first Ctrl-C: the stuck request is left to finish
	select {
	case res := <-done:
		t.Fatalf("Apply returned %+v while a request was in flight after the first interrupt", res)
	default:
	}
	cancel() // second Ctrl-C
	res := <-done
	// Parallelism 1: whichever server got the slot is the one in flight.
	inFlight := res.InFlight
	if len(inFlight) != 1 {
		t.Fatalf("InFlight = %v, want the one server whose create hangs", inFlight)
	}
	other := map[string]string{"web-01": "web-02", "web-02": "web-01"}[inFlight[0]]
	if !res.Interrupted || res.OK() {
		t.Errorf("Interrupted = %v, OK = %v", res.Interrupted, res.OK())
	}
	if r := resultOf(t, res, inFlight[0]); r.Outcome != OutcomeInterrupted {
		t.Errorf("%s outcome = %s, want interrupted", r.Name, r.Outcome)
	}
	if r := resultOf(t, res, other); r.Outcome != OutcomeNotStarted {
		t.Errorf("%s outcome = %s, want not started", r.Name, r.Outcome)
	}
}
