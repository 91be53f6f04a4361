package apply

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
)

func TestApplyChains(t *testing.T) {
	t.Parallel()
	type check func(t *testing.T, e *sandboxEnv, live map[string]*engine.ServerState, res *Result, rec *recorder)
	tests := []struct {
		name   string
		seed   []sandbox.ServerSpec
		change func(live map[string]*engine.ServerState) engine.Change
		check  check
		events []string // of the change's server, still events left out
	}{
		{
			name: "create",
			change: func(map[string]*engine.ServerState) engine.Change {
				after := desired("web-01")
				after.Hostname, after.BackupsEnabled = "web-01.example.com", true
				return engine.Change{Name: "web-01", Actions: []engine.Action{engine.ActionCreate}, After: after}
			},
			check: func(t *testing.T, e *sandboxEnv, _ map[string]*engine.ServerState, res *Result, _ *recorder) {
				s := e.byName(t)["web-01"]
				d := e.detail(t, s.ID)
				if d.Status != api.StatusActive || d.Hostname != "web-01.example.com" || d.BackupsEnabled == nil || !*d.BackupsEnabled {
					t.Errorf("server = %+v, want active with hostname and backups", d)
				}
				if got := resultOf(t, res, "web-01").ID; got != s.ID {
					t.Errorf("result id = %d, want %d", got, s.ID)
				}
				if res.Created != 1 {
					t.Errorf("Created = %d, want 1", res.Created)
				}
			},
			events: []string{"start create", "done create", "complete "},
		},
		{
			name: "create with power off",
			change: func(map[string]*engine.ServerState) engine.Change {
				after := desired("web-01")
				after.Power = "off"
				return engine.Change{Name: "web-01", Actions: []engine.Action{engine.ActionCreate}, After: after}
			},
			check:  wantStatus("web-01", api.StatusStopped),
			events: []string{"start create", "done create", "start stop", "done stop", "complete "},
		},
		{
			name: "update changes only the fields that differ",
			seed: []sandbox.ServerSpec{{Name: "web-01", PlanID: 1, OSID: 5, Location: "us-west", Hostname: "a.example.com"}},
			change: func(live map[string]*engine.ServerState) engine.Change {
				after := desired("web-01")
				after.Hostname, after.BackupsEnabled = "b.example.com", true
				return engine.Change{Name: "web-01", Actions: []engine.Action{engine.ActionUpdate}, Before: live["web-01"], After: after}
			},
			check: func(t *testing.T, e *sandboxEnv, live map[string]*engine.ServerState, _ *Result, _ *recorder) {
				d := e.detail(t, live["web-01"].ID)
				if d.Hostname != "b.example.com" || d.BackupsEnabled == nil || !*d.BackupsEnabled {
					t.Errorf("server = %+v, want hostname b.example.com and backups", d)
				}
			},
			events: []string{"start update", "done update", "complete "},
		},
		{
			name: "rename and update in one patch",
			seed: []sandbox.ServerSpec{spec("db-old")},
			change: func(live map[string]*engine.ServerState) engine.Change {
				after := desired("db-01")
				after.Hostname = "db.example.com"
				return engine.Change{Name: "db-01", Actions: []engine.Action{engine.ActionUpdate, engine.ActionRename}, Before: live["db-old"], After: after}
			},
			check: func(t *testing.T, e *sandboxEnv, live map[string]*engine.ServerState, _ *Result, _ *recorder) {
				d := e.detail(t, live["db-old"].ID)
				if d.Name != "db-01" || d.Hostname != "db.example.com" {
					t.Errorf("server = %s %s, want db-01 db.example.com", d.Name, d.Hostname)
				}
				if n := e.acct.Stats().Requests["PATCH /api/v1/servers/{id}/"]; n != 1 {
					t.Errorf("PATCH requests = %d, want 1", n)
				}
			},
			events: []string{"start update", "done update", "complete "},
		},
		{
			name: "start",
			seed: []sandbox.ServerSpec{{Name: "web-01", PlanID: 1, OSID: 5, Location: "us-west", Stopped: true}},
			change: func(live map[string]*engine.ServerState) engine.Change {
				return engine.Change{Name: "web-01", Actions: []engine.Action{engine.ActionStart}, Before: live["web-01"], After: desired("web-01")}
			},
			check:  wantStatus("web-01", api.StatusActive),
			events: []string{"start start", "done start", "complete "},
		},
		{
			name: "stop",
			seed: []sandbox.ServerSpec{spec("web-01")},
			change: func(live map[string]*engine.ServerState) engine.Change {
				after := desired("web-01")
				after.Power = "off"
				return engine.Change{Name: "web-01", Actions: []engine.Action{engine.ActionStop}, Before: live["web-01"], After: after}
			},
			check:  wantStatus("web-01", api.StatusStopped),
			events: []string{"start stop", "done stop", "complete "},
		},
		{
			name: "delete",
			seed: []sandbox.ServerSpec{spec("web-01"), spec("web-02")},
			change: func(live map[string]*engine.ServerState) engine.Change {
				return engine.Change{Name: "web-01", Actions: []engine.Action{engine.ActionDelete}, Before: live["web-01"]}
			},
			check: func(t *testing.T, e *sandboxEnv, _ map[string]*engine.ServerState, _ *Result, _ *recorder) {
				got := e.byName(t)
				if _, ok := got["web-01"]; ok {
					t.Error("web-01 still exists")
				}
				if _, ok := got["web-02"]; !ok {
					t.Error("web-02 was deleted too")
				}
			},
			events: []string{"start delete", "done delete", "complete "},
		},
		{
			name: "replace",
			seed: []sandbox.ServerSpec{spec("web-01")},
			change: func(live map[string]*engine.ServerState) engine.Change {
				after := desired("web-01")
				after.PlanID = 2
				return engine.Change{Name: "web-01", Actions: []engine.Action{engine.ActionReplace}, Before: live["web-01"], After: after}
			},
			check:  wantReplaced("web-01", 2, api.StatusActive),
			events: []string{"start delete", "done delete", "start create", "done create", "complete "},
		},
		{
			name: "replace with power off",
			seed: []sandbox.ServerSpec{spec("web-01")},
			change: func(live map[string]*engine.ServerState) engine.Change {
				after := desired("web-01")
				after.OSID, after.Power = 3, "off"
				return engine.Change{Name: "web-01", Actions: []engine.Action{engine.ActionReplace, engine.ActionStop}, Before: live["web-01"], After: after}
			},
			check:  wantReplaced("web-01", 1, api.StatusStopped),
			events: []string{"start delete", "done delete", "start create", "done create", "start stop", "done stop", "complete "},
		},
		{
			name: "replace create before destroy",
			seed: []sandbox.ServerSpec{spec("web-01")},
			change: func(live map[string]*engine.ServerState) engine.Change {
				after := desired("web-01")
				after.PlanID = 2
				return engine.Change{Name: "web-01", Actions: []engine.Action{engine.ActionReplace}, Before: live["web-01"], After: after, CreateBeforeDestroy: true}
			},
			check: func(t *testing.T, e *sandboxEnv, live map[string]*engine.ServerState, res *Result, rec *recorder) {
				wantReplaced("web-01", 2, api.StatusActive)(t, e, live, res, rec)
				// The new server existed, under its temporary name, before
				// the old one was deleted.
				var created, deleted int
				for i, ev := range rec.events {
					if ev.Kind == EventDone && ev.Action == engine.ActionCreate {
						created = i
					}
					if ev.Kind == EventStart && ev.Action == engine.ActionDelete {
						deleted = i
					}
					if ev.Kind == EventStart && ev.Action == engine.ActionCreate && ev.Note != "temporary name web-01-tmp" {
						t.Errorf("create note = %q, want the temporary name", ev.Note)
					}
				}
				if created > deleted {
					t.Errorf("the old server was deleted (event %d) before the new one was ready (event %d)", deleted, created)
				}
			},
			events: []string{"start create", "done create", "start delete", "done delete", "start rename", "done rename", "complete "},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newSandbox(t, sandbox.Options{Empty: true, ProvisionDelay: 30 * time.Millisecond, TransitionDelay: 10 * time.Millisecond})
			live := map[string]*engine.ServerState{}
			if len(tt.seed) > 0 {
				live = e.seed(t, tt.seed...)
			}
			c := tt.change(live)
			rec := &recorder{}
			opts := fastOptions()
			opts.Progress = rec
			opts.TempName = func(name string) string { return name + "-tmp" }
			res := mustApply(t, e.client, &engine.Plan{Changes: []engine.Change{c}}, opts)
			if !res.OK() {
				t.Fatalf("apply failed: %+v", res.Results)
			}
			tt.check(t, e, live, res, rec)
			if got := rec.kinds(c.Name); !slices.Equal(got, tt.events) {
				t.Errorf("events = %q, want %q", got, tt.events)
			}
		})
	}
}

func wantStatus(name string, status api.Status) func(*testing.T, *sandboxEnv, map[string]*engine.ServerState, *Result, *recorder) {
	return func(t *testing.T, e *sandboxEnv, _ map[string]*engine.ServerState, _ *Result, _ *recorder) {
		s, ok := e.byName(t)[name]
		if !ok || s.Status != status {
			t.Errorf("%s = %+v, want status %s", name, s, status)
		}
	}
}

func wantReplaced(name string, planID int64, status api.Status) func(*testing.T, *sandboxEnv, map[string]*engine.ServerState, *Result, *recorder) {
	return func(t *testing.T, e *sandboxEnv, live map[string]*engine.ServerState, res *Result, _ *recorder) {
		all := e.byName(t)
		if len(all) != 1 {
			t.Fatalf("account holds %d servers, want 1: %v", len(all), all)
		}
		s := all[name]
		if s.ID == live[name].ID || s.Plan.ID != planID || s.Status != status {
			t.Errorf("%s = id %d plan %d %s, want a new id (old %d), plan %d, %s", name, s.ID, s.Plan.ID, s.Status, live[name].ID, planID, status)
		}
		if got := resultOf(t, res, name).ID; got != s.ID {
			t.Errorf("result id = %d, want the new %d", got, s.ID)
		}
	}
}

func TestApplyWaitsForProvisioningBeforeStop(t *testing.T) {
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true, ProvisionDelay: 40 * time.Millisecond, TransitionDelay: 10 * time.Millisecond})
	live := e.seedProvisioning(t, "web-01")
	if live.Status != api.StatusProvisioning {
		t.Fatalf("new server status = %s, want provisioning", live.Status)
	}
	after := desired("web-01")
	after.Power = "off"
	res := mustApply(t, e.client, &engine.Plan{Changes: []engine.Change{{Name: "web-01", Actions: []engine.Action{engine.ActionStop}, Before: live, After: after}}}, fastOptions())
	if !res.OK() {
		t.Fatalf("apply failed: %+v", res.Results)
	}
	if n := e.acct.Stats().Requests["POST /api/v1/servers/{id}/stop/"]; n != 1 {
		t.Errorf("stop requests = %d, want exactly 1 (sent once the server was active)", n)
	}
	wantStatus("web-01", api.StatusStopped)(t, e, nil, res, nil)
}

// seedProvisioning creates name through the API, so it is provisioning.
func (e *sandboxEnv) seedProvisioning(t *testing.T, name string) *engine.ServerState {
	t.Helper()
	s, err := e.client.CreateServer(t.Context(), api.CreateRequest{Name: name, PlanID: 1, OSID: 5, Location: "us-west"})
	if err != nil {
		t.Fatalf("CreateServer: %v", err)
	}
	return testLiveState(*s)
}

func TestApplySuspendedServerFailsWithoutRequest(t *testing.T) {
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true})
	live := e.seed(t, spec("web-01"))
	resp, err := http.Post(fmt.Sprintf("%s/_sandbox/servers/%d/suspend/", e.url, live["web-01"].ID), "application/json", nil)
	if err != nil {
		t.Fatalf("suspend: %v", err)
	}
	resp.Body.Close()
	live = e.seed(t)
	after := desired("web-01")
	after.Hostname = "x.example.com"
	res := mustApply(t, e.client, &engine.Plan{Changes: []engine.Change{{Name: "web-01", Actions: []engine.Action{engine.ActionUpdate}, Before: live["web-01"], After: after}}}, fastOptions())
	r := resultOf(t, res, "web-01")
	if r.Outcome != OutcomeNotStarted || r.Err == nil || !strings.Contains(r.Err.Error(), "suspended") {
		t.Errorf("result = %+v, want not started because suspended", r)
	}
	if n := e.acct.Stats().Requests["PATCH /api/v1/servers/{id}/"]; n != 0 {
		t.Errorf("PATCH requests = %d, want 0", n)
	}
	if res.OK() {
		t.Error("OK() = true with a failed server")
	}
}
