package apply

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
)

// lostAnswer is what lossyAccount does with one create.
type lostAnswer int

const (
	answer       lostAnswer = iota // pass the create through
	commitLose                     // create the server, lose the answer
	dropLose                       // create nothing, lose the answer
	twiceLose                      // create two servers of the name, lose the answer
	strangerLose                   // someone else creates a plan 2 server of the name; lose the answer
	lateLose                       // lose the answer; the server is committed only after the first list
)

// lossyAccount loses the answers of creates as script says, in order.
type lossyAccount struct {
	engine.Account
	mu      sync.Mutex
	script  []lostAnswer
	creates int
	// late is a create to commit once one list has missed it (lateLose).
	late      *api.CreateRequest
	lateLists int
}

// ListServers commits a late create before the second list after it.
func (a *lossyAccount) ListServers(ctx context.Context, opts api.ListOptions) ([]api.Server, error) {
	a.mu.Lock()
	var commit *api.CreateRequest
	if a.late != nil {
		if a.lateLists++; a.lateLists > 1 {
			commit, a.late = a.late, nil
		}
	}
	a.mu.Unlock()
	if commit != nil {
		if _, err := a.Account.CreateServer(ctx, *commit); err != nil {
			return nil, err
		}
	}
	return a.Account.ListServers(ctx, opts)
}

func (a *lossyAccount) CreateServer(ctx context.Context, req api.CreateRequest) (*api.Server, error) {
	a.mu.Lock()
	what := answer
	if a.creates < len(a.script) {
		what = a.script[a.creates]
	}
	a.creates++
	a.mu.Unlock()
	lost := &api.Error{Method: "POST", Path: "/api/v1/servers/", Detail: "connection reset", OutcomeUnknown: true, Attempts: 1}
	switch what {
	case commitLose:
		if _, err := a.Account.CreateServer(ctx, req); err != nil {
			return nil, err
		}
		return nil, lost
	case dropLose:
		return nil, lost
	case lateLose:
		a.mu.Lock()
		a.late = &req
		a.mu.Unlock()
		return nil, lost
	case strangerLose:
		other := req
		other.PlanID = 2
		if _, err := a.Account.CreateServer(ctx, other); err != nil {
			return nil, err
		}
		return nil, lost
	case twiceLose:
		for range 2 {
			if _, err := a.Account.CreateServer(ctx, req); err != nil {
				return nil, err
			}
		}
		return nil, lost
	}
	return a.Account.CreateServer(ctx, req)
}

func TestApplyResolvesLostCreates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		script      []lostAnswer
		wantOutcome Outcome
		wantServers int
		wantCreates int // create calls
		wantErr     string
		wantNote    string
	}{
		{"answered", nil, OutcomeDone, 1, 1, "", ""},
		{"committed then lost: adopted", []lostAnswer{commitLose}, OutcomeDone, 1, 1, "", "adopted server"},
		{"lost before commit: sent again", []lostAnswer{dropLose}, OutcomeDone, 1, 2, "", ""},
		{"committed late: found on the second look, not sent again", []lostAnswer{lateLose}, OutcomeDone, 1, 1, "", "adopted server"},
		{"lost twice, then committed", []lostAnswer{dropLose, dropLose, commitLose}, OutcomeDone, 1, 3, "", "adopted server"},
		{"someone else's server appeared: not adopted", []lostAnswer{strangerLose}, OutcomeFailed, 1, 1, "(id 12345) is not the one asked for (plan_id 2, not 1)", ""},
		{"two appeared: never guessed", []lostAnswer{twiceLose}, OutcomeFailed, 2, 1, "2 new servers of that name appeared (ids 12345, 12346)", ""},
		{"always lost: gives up", slices.Repeat([]lostAnswer{dropLose}, maxCreateAttempts), OutcomeFailed, 0, maxCreateAttempts, fmt.Sprintf("the answer was lost %d times", maxCreateAttempts), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newSandbox(t, sandbox.Options{Empty: true, ProvisionDelay: 5 * time.Millisecond})
			acct := &lossyAccount{Account: e.client, script: tt.script}
			res := mustApply(t, acct, createPlan("web-01"), fastOptions())
			r := resultOf(t, res, "web-01")
			if r.Outcome != tt.wantOutcome {
				t.Errorf("outcome = %s (%v), want %s", r.Outcome, r.Err, tt.wantOutcome)
			}
			if tt.wantErr != "" && (r.Err == nil || !strings.Contains(r.Err.Error(), tt.wantErr)) {
				t.Errorf("error = %v, want it to contain %q", r.Err, tt.wantErr)
			}
			if !strings.Contains(r.Note, tt.wantNote) {
				t.Errorf("note = %q, want %q", r.Note, tt.wantNote)
			}
			if got := len(e.list(t)); got != tt.wantServers {
				t.Errorf("account holds %d servers, want %d", got, tt.wantServers)
			}
			if acct.creates != tt.wantCreates {
				t.Errorf("create calls = %d, want %d", acct.creates, tt.wantCreates)
			}
			if tt.wantOutcome == OutcomeDone && res.Created != 1 {
				t.Errorf("Created = %d, want 1", res.Created)
			}
			if n := e.acct.Stats().Requests["DELETE /api/v1/servers/{id}/"]; n != 0 {
				t.Errorf("%d deletes sent, want none", n)
			}
		})
	}
}

func TestApplyPowerAlreadyThere(t *testing.T) {
	t.Parallel()
	// The plan saw the servers in the other power state; by the time it
	// runs they are already where it wants them: a 400 "already running"
	// or "not running" is read back and accepted.
	e := newSandbox(t, sandbox.Options{Empty: true})
	live := e.seed(t, spec("web-01"), sandbox.ServerSpec{Name: "web-02", PlanID: 1, OSID: 5, Location: "us-west", Stopped: true})
	start := *live["web-01"]
	start.Status, start.Power = api.StatusStopped, "off"
	stop := *live["web-02"]
	stop.Status, stop.Power = api.StatusActive, "on"
	off := desired("web-02")
	off.Power = "off"
	p := &engine.Plan{Changes: []engine.Change{
		{Name: "web-01", Actions: []engine.Action{engine.ActionStart}, Before: &start, After: desired("web-01")},
		{Name: "web-02", Actions: []engine.Action{engine.ActionStop}, Before: &stop, After: off},
	}}
	res := mustApply(t, e.client, p, fastOptions())
	if !res.OK() {
		t.Errorf("results = %+v, want both done", res.Results)
	}
}

func TestApplyPerServerPolling(t *testing.T) {
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true, ProvisionDelay: 20 * time.Millisecond, FaultRate: 0.1})
	opts := perServerPolling(fastOptions())
	res := mustApply(t, e.client, createPlan(names("web", 8)...), opts)
	if !res.OK() {
		t.Fatalf("results = %+v", res.Results)
	}
	if got := len(e.byName(t)); got != 8 {
		t.Errorf("account holds %d servers, want 8", got)
	}
	st := e.acct.Stats().Requests
	if st["GET /api/v1/servers/{id}/"] == 0 {
		t.Error("no per-server GET was sent")
	}
}
