package rollout

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply/outcome"
	"github.com/vpsfleet/vpsfleet/schema"
)

// The tests here drive a Schedule as the executor's work queue does,
// with no executor: they ask for changes, end them with an outcome, and
// read what it hands out next.

// reboot is a rolling reboot of the active server name in group's batch.
func reboot(name, group string, batch int) engine.Change {
	st := &engine.ServerState{ID: 1, Name: name, Status: api.StatusActive, Power: schema.PowerOn}
	return engine.Change{Name: name, Group: group, Batch: batch, Actions: []engine.Action{engine.ActionReboot}, Before: st, After: st}
}

// create makes name in group, after the groups of waits.
func create(name, group string, waits ...string) engine.Change {
	return engine.Change{Name: name, Group: group, WaitsFor: waits, Actions: []engine.Action{engine.ActionCreate},
		After: &engine.ServerState{Name: name, Power: schema.PowerOn}}
}

// given is what Next handed out: "web-01", or "web-03 refused: why".
func given(s *Schedule, units []engine.Change) []string {
	var out []string
	for {
		i, why, ok := s.Next()
		if !ok {
			return out
		}
		if why != nil {
			out = append(out, units[i].Name+" refused: "+why.Error())
			continue
		}
		out = append(out, units[i].Name)
	}
}

func TestScheduleAlone(t *testing.T) {
	t.Parallel()
	web := func(r engine.Rollout) engine.Group {
		return engine.Group{Label: "web", Servers: 4, Rollout: &r}
	}
	tests := []struct {
		name   string
		groups []engine.Group
		units  []engine.Change
		// steps: end these units (by index) with outcome, then want
		// what Next hands out.
		steps []step
		// batches announced, as "web 1/2: web-01 web-02".
		batches []string
	}{
		{
			name:   "batches under max_unavailable",
			groups: []engine.Group{web(engine.Rollout{MaxUnavailable: 2, Written: "2", Batches: 2, Changes: 4, BatchSize: 2})},
			units:  []engine.Change{reboot("web-01", "web", 1), reboot("web-02", "web", 1), reboot("web-03", "web", 2), reboot("web-04", "web", 2)},
			steps: []step{
				{want: []string{"web-01", "web-02"}},
				{end: []int{0}, as: outcome.Done},
				{end: []int{1}, as: outcome.Done, want: []string{"web-03", "web-04"}},
				{end: []int{2, 3}, as: outcome.Done},
			},
			batches: []string{"web 1/2: web-01 web-02", "web 2/2: web-03 web-04"},
		},
		{
			name:   "a failure beyond max_failures stops the rollout",
			groups: []engine.Group{web(engine.Rollout{MaxUnavailable: 2, Written: "2", Batches: 2, Changes: 4, BatchSize: 2})},
			units:  []engine.Change{reboot("web-01", "web", 1), reboot("web-02", "web", 1), reboot("web-03", "web", 2), reboot("web-04", "web", 2)},
			steps: []step{
				{want: []string{"web-01", "web-02"}},
				{end: []int{0}, as: outcome.Failed},
				{end: []int{1}, as: outcome.Done, want: []string{
					"web-03 refused: rollout stopped: 1 server (web-01) failed in web's rollout (batch 1 of 2), more than max_failures 0 allows; nothing more of web was taken down: find out why, then run apply again, which goes on from where the account is",
					"web-04 refused: rollout stopped: 1 server (web-01) failed in web's rollout (batch 1 of 2), more than max_failures 0 allows; nothing more of web was taken down: find out why, then run apply again, which goes on from where the account is",
				}},
			},
			batches: []string{"web 1/2: web-01 web-02"},
		},
		{
			name:   "an interrupted change is no failure",
			groups: []engine.Group{web(engine.Rollout{MaxUnavailable: 1, Written: "1", Batches: 2, Changes: 2, BatchSize: 1})},
			units:  []engine.Change{reboot("web-01", "web", 1), reboot("web-02", "web", 2)},
			steps: []step{
				{want: []string{"web-01"}},
				{end: []int{0}, as: outcome.Interrupted, want: []string{"web-02"}},
			},
			batches: []string{"web 1/2: web-01", "web 2/2: web-02"},
		},
		{
			name:   "depends_on: after the group it waits for is up",
			groups: []engine.Group{{Label: "db", Servers: 1}, {Label: "app", Servers: 1, DependsOn: []string{"db"}}},
			units:  []engine.Change{create("app-01", "app", "db"), create("db-01", "db")},
			steps: []step{
				{want: []string{"db-01"}},
				{end: []int{1}, as: outcome.Done, want: []string{"app-01"}},
			},
		},
		{
			name:   "depends_on: never, once the group it waits for failed",
			groups: []engine.Group{{Label: "db", Servers: 1}, {Label: "app", Servers: 1, DependsOn: []string{"db"}}},
			units:  []engine.Change{create("app-01", "app", "db"), create("db-01", "db")},
			steps: []step{
				{want: []string{"db-01"}},
				{end: []int{1}, as: outcome.NotStarted, want: []string{
					"app-01 refused: dependency not met: it waits for the servers of db to come up, and db-01 did not; run apply again once it is fixed",
				}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := &engine.Plan{Changes: tt.units, Groups: tt.groups}
			var batches []string
			s := NewSchedule(p, p.Changes, func() error { return nil }, func(b Batch, servers []string) {
				batches = append(batches, fmt.Sprintf("%s %d/%d: %s", b.Group, b.Number, b.Of, strings.Join(servers, " ")))
			})
			for n, st := range tt.steps {
				for _, i := range st.end {
					s.Ended(i, st.as)
				}
				if got := given(s, tt.units); strings.Join(got, "\n") != strings.Join(st.want, "\n") {
					t.Errorf("step %d: handed out %q, want %q", n+1, got, st.want)
				}
			}
			if s.Remaining() != 0 {
				t.Errorf("%d units left, want none", s.Remaining())
			}
			if strings.Join(batches, "\n") != strings.Join(tt.batches, "\n") {
				t.Errorf("batches %q, want %q", batches, tt.batches)
			}
		})
	}
}

type step struct {
	end  []int
	as   outcome.Outcome
	want []string
}

// TestScheduleRefusesEverythingOnceStopped: once the run stops, Next
// hands out every change not handed out, refused for the run's reason.
func TestScheduleRefusesEverythingOnceStopped(t *testing.T) {
	t.Parallel()
	stop := errors.New("interrupted")
	var stopped error
	units := []engine.Change{reboot("web-01", "web", 1), reboot("web-02", "web", 2)}
	r := engine.Rollout{MaxUnavailable: 1, Written: "1", Batches: 2, Changes: 2, BatchSize: 1}
	p := &engine.Plan{Changes: units, Groups: []engine.Group{{Label: "web", Servers: 2, Rollout: &r}}}
	s := NewSchedule(p, units, func() error { return stopped }, nil)
	if got := given(s, units); len(got) != 1 || got[0] != "web-01" {
		t.Fatalf("handed out %q, want web-01", got)
	}
	stopped = stop
	if got := given(s, units); len(got) != 1 || got[0] != "web-02 refused: interrupted" {
		t.Errorf("handed out %q once stopped, want web-02 refused", got)
	}
	if s.Remaining() != 0 || len(s.Drain()) != 0 {
		t.Errorf("%d units left once stopped, want none", s.Remaining())
	}
}
