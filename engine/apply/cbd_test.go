package apply

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	et "github.com/vpsfleet/vpsfleet/internal/enginetest"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
	"github.com/vpsfleet/vpsfleet/schema"
)

// hookedAccount wraps an account: after hooks run once a call has
// returned, before hooks decide a call's answer instead of the account.
type hookedAccount struct {
	engine.Account
	afterCreate func(req api.CreateRequest)
	afterDelete func(id int64)
	update      func(ctx context.Context, id int64, req api.UpdateRequest) (*api.Server, error, bool)
	create      func(ctx context.Context, req api.CreateRequest) (*api.Server, error, bool)
}

func (a *hookedAccount) CreateServer(ctx context.Context, req api.CreateRequest) (*api.Server, error) {
	if a.create != nil {
		if s, err, ok := a.create(ctx, req); ok {
			return s, err
		}
	}
	s, err := a.Account.CreateServer(ctx, req)
	if a.afterCreate != nil {
		a.afterCreate(req)
	}
	return s, err
}

func (a *hookedAccount) DeleteServer(ctx context.Context, id int64) error {
	err := a.Account.DeleteServer(ctx, id)
	if a.afterDelete != nil {
		a.afterDelete(id)
	}
	return err
}

func (a *hookedAccount) UpdateServer(ctx context.Context, id int64, req api.UpdateRequest) (*api.Server, error) {
	if a.update != nil {
		if s, err, ok := a.update(ctx, id, req); ok {
			return s, err
		}
	}
	return a.Account.UpdateServer(ctx, id, req)
}

// cbdChange replaces web-01 (plan 1) by a plan 2 server, create first.
func cbdChange(live map[string]*engine.ServerState) engine.Change {
	after := desired("web-01")
	after.PlanID = 2
	return engine.Change{Name: "web-01", Actions: []engine.Action{engine.ActionReplace}, Before: live["web-01"], After: after, CreateBeforeDestroy: true}
}

func TestApplyCreateBeforeDestroyUnderInterrupt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// when closes the interrupt at one point of the chain.
		when        func(a *hookedAccount, interrupt func())
		wantOutcome Outcome
		// wantNames are the account's server names afterwards.
		wantNames []string
		wantErr   []string
	}{
		{
			// The old server is going: the rename is finished, or the new
			// server would be left under its temporary name.
			name:        "after the old server's delete: finished",
			when:        func(a *hookedAccount, interrupt func()) { a.afterDelete = func(int64) { interrupt() } },
			wantOutcome: OutcomeDone,
			wantNames:   []string{"web-01"},
		},
		{
			// Nothing destructive was started: the old server stays and
			// the report names the temporary one.
			name:        "after the temporary create: old kept",
			when:        func(a *hookedAccount, interrupt func()) { a.afterCreate = func(api.CreateRequest) { interrupt() } },
			wantOutcome: OutcomeInterrupted,
			wantNames:   []string{"web-01", "web-01-tmp"},
			wantErr:     []string{"interrupted", "the replacement web-01-tmp (id ", "beside web-01 (id ", "vpsfleet server delete "},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newSandbox(t, sandbox.Options{Empty: true, ProvisionDelay: 10 * time.Millisecond, TransitionDelay: 5 * time.Millisecond})
			live := e.seed(t, spec("web-01"))
			interrupt := make(chan struct{})
			var once sync.Once
			acct := &hookedAccount{Account: e.client}
			tt.when(acct, func() { once.Do(func() { close(interrupt) }) })
			opts := fastOptions()
			opts.Interrupt = interrupt
			opts.TempName = func(name string) string { return name + "-tmp" }
			res := mustApply(t, acct, &engine.Plan{Changes: []engine.Change{cbdChange(live)}}, opts)
			r := resultOf(t, res, "web-01")
			if r.Outcome != tt.wantOutcome {
				t.Errorf("outcome = %s (%v), want %s", r.Outcome, r.Err, tt.wantOutcome)
			}
			for _, w := range tt.wantErr {
				if r.Err == nil || !strings.Contains(r.Err.Error(), w) {
					t.Errorf("error = %v, want it to contain %q", r.Err, w)
				}
			}
			var got []string
			for _, s := range e.list(t) {
				got = append(got, s.Name)
			}
			if strings.Join(got, " ") != strings.Join(tt.wantNames, " ") {
				t.Errorf("account = %v, want %v", got, tt.wantNames)
			}
		})
	}
}

func TestApplyCreateBeforeDestroyRenameFails(t *testing.T) {
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true, ProvisionDelay: 10 * time.Millisecond})
	live := e.seed(t, spec("web-01"))
	acct := &hookedAccount{Account: e.client,
		update: func(context.Context, int64, api.UpdateRequest) (*api.Server, error, bool) {
			return nil, &api.Error{Status: 400, Method: "PATCH", Detail: "Invalid request."}, true
		}}
	opts := fastOptions()
	opts.TempName = func(name string) string { return name + "-tmp" }
	res := mustApply(t, acct, &engine.Plan{Changes: []engine.Change{cbdChange(live)}}, opts)
	r := resultOf(t, res, "web-01")
	servers := e.list(t)
	if len(servers) != 1 || servers[0].Name != "web-01-tmp" {
		t.Fatalf("account = %+v, want only the replacement under its temporary name", servers)
	}
	tmp := servers[0]
	for _, w := range []string{
		fmt.Sprintf("web-01 (id %d) is deleted and its replacement runs as web-01-tmp (id %d)", live["web-01"].ID, tmp.ID),
		fmt.Sprintf("vpsfleet server update %d -name web-01", tmp.ID),
		`moved { from = "web-01-tmp" to = "web-01" }`,
	} {
		if r.Outcome != OutcomeFailed || r.Err == nil || !strings.Contains(r.Err.Error(), w) {
			t.Errorf("result = %s %v, want failed saying %q", r.Outcome, r.Err, w)
		}
	}
	if r.ID != tmp.ID {
		t.Errorf("result id = %d, want the replacement's %d", r.ID, tmp.ID)
	}
	// The advice works: with that moved block, the next plan renames the
	// replacement instead of creating a third server.
	fleet := &schema.Fleet{
		Owns:    []string{"web-*"},
		Servers: []schema.DesiredServer{et.Desired("web-01", 1, et.WantPlanID(2))},
		Moves:   []schema.Move{et.Move("web-01-tmp", "web-01", 5)},
	}
	next, diags := engine.BuildPlan(fleet, e.list(t), engine.PlanOptions{})
	if diags.HasErrors() || len(next.Changes) != 1 || !next.Changes[0].Has(engine.ActionRename) || next.Changes[0].Has(engine.ActionCreate) {
		t.Errorf("next plan = %+v (%v), want one rename", next.Changes, diags)
	}
}

func TestApplyReplaceSaysOldServerIsGone(t *testing.T) {
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true})
	live := e.seed(t, spec("web-01"))
	acct := &hookedAccount{Account: e.client,
		create: func(context.Context, api.CreateRequest) (*api.Server, error, bool) {
			return nil, &api.Error{Status: 402, Method: "POST", Detail: "Insufficient credits"}, true
		}}
	after := desired("web-01")
	after.OSID = 3
	res := mustApply(t, acct, &engine.Plan{Changes: []engine.Change{{Name: "web-01", Actions: []engine.Action{engine.ActionReplace}, Before: live["web-01"], After: after}}}, fastOptions())
	r := resultOf(t, res, "web-01")
	want := fmt.Sprintf("the old web-01 (id %d) is deleted and its replacement was not created", live["web-01"].ID)
	if r.Outcome != OutcomeFailed || !errors.Is(r.Err, ErrCredits) || !strings.Contains(r.Err.Error(), want) {
		t.Errorf("result = %s %v, want failed for credits saying %q", r.Outcome, r.Err, want)
	}
	if !res.CreditsExhausted {
		t.Error("CreditsExhausted = false")
	}
}

func TestApplyRequestsCancelledByA401SayWhy(t *testing.T) {
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true})
	started := make(chan struct{})
	acct := &hookedAccount{Account: e.client,
		create: func(ctx context.Context, req api.CreateRequest) (*api.Server, error, bool) {
			if req.Name == "web-02" {
				close(started)
				<-ctx.Done()
				return nil, ctx.Err(), true
			}
			<-started
			return nil, &api.Error{Status: 401, Method: "POST", Detail: "Invalid token."}, true
		}}
	opts := fastOptions()
	opts.Parallelism = 2
	res := mustApply(t, acct, createPlan("web-01", "web-02"), opts)
	if !res.Unauthorized {
		t.Error("Unauthorized = false")
	}
	if r := resultOf(t, res, "web-02"); !errors.Is(r.Err, ErrUnauthorized) {
		t.Errorf("web-02: %s %v, want the 401 named as the reason", r.Outcome, r.Err)
	}
}
