package apply

import (
	"strings"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
	"github.com/vpsfleet/vpsfleet/engine"
	et "github.com/vpsfleet/vpsfleet/internal/enginetest"
)

const cbdFleet = `
server "web-01" {
  plan_id  = 2
  os_id    = 5
  location = "us-west"
  lifecycle {
    create_before_destroy = true
  }
}
`

// TestTimedOutCreateBeforeDestroyIsFinishedNextTime: a replacement whose
// temporary server times out leaves it running beside the old one; the
// messages of the failure agree on what to do (apply again), the next plan
// finishes the replacement with that server instead of calling it "not
// managed" and making another, and the account ends with one server.
func TestTimedOutCreateBeforeDestroyIsFinishedNextTime(t *testing.T) {
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true, ProvisionDelay: 300 * time.Millisecond, TransitionDelay: 5 * time.Millisecond})
	e.Import(t, sandbox.ServerSpec{Name: "web-01", PlanID: 1, OSID: 5, Location: "us-west"})
	fleet := et.LoadFleet(t, cbdFleet)
	p, _ := planAgainst(t, e.client, fleet)
	if len(p.Changes) != 1 || !p.Changes[0].Has(engine.ActionReplace) {
		t.Fatalf("plan = %+v, want one replace", p.Changes)
	}
	opts := fastOptions()
	opts.Timeout = 20 * time.Millisecond
	rec := &recorder{}
	opts.Progress = rec
	res := mustApply(t, e.client, p, opts)
	r := resultOf(t, res, "web-01")
	if r.Outcome != OutcomeFailed {
		t.Fatalf("outcome %s (%v), want failed", r.Outcome, r.Err)
	}
	// What the progress line and the report say both send people to
	// apply again; neither asks them to delete by hand first.
	var stepErr string
	for _, ev := range rec.events {
		if ev.Kind == EventFail {
			stepErr = ev.Err.Error()
		}
	}
	for _, msg := range []string{stepErr, r.Err.Error()} {
		if !strings.Contains(msg, "apply again") || strings.Contains(msg, "then run apply again") {
			t.Errorf("failure message %q does not send people to apply again", msg)
		}
	}
	if !strings.Contains(r.Err.Error(), "finishes the replacement") {
		t.Errorf("report = %q, want it to say apply again finishes the replacement", r.Err)
	}

	next, _ := planAgainst(t, e.client, fleet)
	if next.Unmanaged != 0 || len(next.Changes) != 1 {
		t.Fatalf("next plan: %d unmanaged, changes %+v; want the one replace, nothing unmanaged", next.Unmanaged, next.Changes)
	}
	c := next.Changes[0]
	if c.Replacement == nil || !engine.IsTempName(c.Replacement.Name, "web-01") || !strings.Contains(c.Reason, "finishes the replacement") {
		t.Fatalf("next change = %+v, want the replace finished with the temporary server", c)
	}
	res = mustApply(t, e.client, next, fastOptions())
	if !res.OK() {
		t.Fatalf("second apply: %+v", res.Results)
	}
	servers := e.list(t)
	if len(servers) != 1 || servers[0].Name != "web-01" || servers[0].Plan.ID != 2 || servers[0].ID != c.Replacement.ID {
		t.Fatalf("account = %+v, want only web-01 on plan 2, the kept server %d", servers, c.Replacement.ID)
	}
	if again, _ := planAgainst(t, e.client, fleet); !again.Empty() {
		t.Errorf("plan after the second apply: %+v", again.Changes)
	}
}

// TestPlanFinishesOrRemovesTemporaryServers: the planner's rules for the
// temporary servers of a create_before_destroy replacement.
func TestPlanFinishesOrRemovesTemporaryServers(t *testing.T) {
	t.Parallel()
	fleet := et.LoadFleet(t, cbdFleet)
	tmp := engine.TempName("web-01", "ab12")
	old := et.Live(1, "web-01")
	tests := []struct {
		name string
		live []api.Server
		want map[string]string // change name → actions, space-separated
	}{
		{"old gone: the temporary server is renamed", []api.Server{et.Live(2, tmp, et.PlanID(2))},
			map[string]string{"web-01": "rename"}},
		{"old gone, temporary server of another plan: removed, web-01 created", []api.Server{et.Live(2, tmp, et.PlanID(1))},
			map[string]string{"web-01": "create", tmp: "delete"}},
		{"old there: the replacement finishes with it", []api.Server{old, et.Live(2, tmp, et.PlanID(2))},
			map[string]string{"web-01": "replace"}},
		{"old already right: the temporary server is removed", []api.Server{et.Live(1, "web-01", et.PlanID(2)), et.Live(2, tmp, et.PlanID(2))},
			map[string]string{tmp: "delete"}},
		{"a look-alike of another name is not touched", []api.Server{old, et.Live(2, "web-02-cbd-ab12", et.PlanID(2))},
			map[string]string{"web-01": "replace"}},
	}
	for _, tt := range tests {
		p, diags := engine.BuildPlan(fleet, tt.live, engine.PlanOptions{})
		if diags.HasErrors() {
			t.Fatalf("%s: %v", tt.name, diags)
		}
		got := map[string]string{}
		for _, c := range p.Changes {
			var words []string
			for _, a := range c.Actions {
				words = append(words, string(a))
			}
			got[c.Name] = strings.Join(words, " ")
		}
		if len(got) != len(tt.want) {
			t.Errorf("%s: changes %v, want %v", tt.name, got, tt.want)
			continue
		}
		for k, v := range tt.want {
			if got[k] != v {
				t.Errorf("%s: changes %v, want %v", tt.name, got, tt.want)
			}
		}
	}
}
