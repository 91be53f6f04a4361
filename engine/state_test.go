package engine

import (
	"reflect"
	"testing"

	et "github.com/vpsfleet/vpsfleet/internal/enginetest"

	"github.com/hashicorp/hcl/v2"
	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

func TestBuildPlanStates(t *testing.T) {
	tests := []struct {
		name          string
		desired       schema.DesiredServer
		live          []api.Server
		before, after *ServerState
		cbd           bool
	}{
		{
			name:    "create carries every desired attribute",
			desired: et.Desired("web-01", 1, et.WantHost("w.example.com"), et.SSHKey(7), et.WantBackups(true)),
			after: &ServerState{Name: "web-01", PlanID: 1, OSID: 5, Location: "us-west", Hostname: "w.example.com",
				SSHKeyID: et.Ptr(int64(7)), BackupsEnabled: true, Power: "on"},
		},
		{
			name:    "replace: new server has no id, gets the ssh key and desired power",
			desired: et.Desired("web-01", 1, et.WantPlanID(2), et.SSHKey(7), et.CreateBeforeDestroy),
			live:    []api.Server{et.Live(12, "web-01", et.Status(api.StatusStopped), et.Host("w.example.com"))},
			before: &ServerState{ID: 12, Name: "web-01", PlanID: 1, OSID: 5, Location: "us-west", Hostname: "w.example.com",
				Power: "off", Status: api.StatusStopped},
			after: &ServerState{Name: "web-01", PlanID: 2, OSID: 5, Location: "us-west", Hostname: "w.example.com",
				SSHKeyID: et.Ptr(int64(7)), Power: "on"},
			cbd: true,
		},
		{
			name:    "update keeps the id and never carries the ssh key",
			desired: et.Desired("web-01", 1, et.WantBackups(true), et.SSHKey(7)),
			live:    []api.Server{et.Live(12, "web-01")},
			before:  &ServerState{ID: 12, Name: "web-01", PlanID: 1, OSID: 5, Location: "us-west", Power: "on", Status: api.StatusActive},
			after:   &ServerState{ID: 12, Name: "web-01", PlanID: 1, OSID: 5, Location: "us-west", BackupsEnabled: true, Power: "on"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, diags := BuildPlan(&schema.Fleet{Servers: []schema.DesiredServer{tt.desired}}, tt.live, PlanOptions{})
			if diags.HasErrors() || len(p.Changes) != 1 {
				t.Fatalf("plan = %+v, diags %v", p, diags)
			}
			c := p.Changes[0]
			if !reflect.DeepEqual(c.Before, tt.before) {
				t.Errorf("before = %+v, want %+v", c.Before, tt.before)
			}
			if !reflect.DeepEqual(c.After, tt.after) {
				t.Errorf("after = %+v, want %+v", c.After, tt.after)
			}
			if c.CreateBeforeDestroy != tt.cbd {
				t.Errorf("create_before_destroy = %v, want %v", c.CreateBeforeDestroy, tt.cbd)
			}
		})
	}
}

func TestBuildPlanDiagnosticRanges(t *testing.T) {
	planRange := hcl.Range{Filename: "fleet.hcl", Start: hcl.Pos{Line: 9, Column: 13}, End: hcl.Pos{Line: 9, Column: 14}}
	db := et.Desired("db-01", 4, et.WantPlanID(2), et.PreventDestroy)
	db.AttrRanges = map[schema.Attribute]hcl.Range{"plan_id": planRange}
	web := et.Desired("web-01", 20)
	fleet := &schema.Fleet{Servers: []schema.DesiredServer{db, web}}
	live := []api.Server{et.Live(1, "db-01"), et.Live(2, "web-01"), et.Live(3, "web-01")}
	p, diags := BuildPlan(fleet, live, PlanOptions{})
	if len(p.Changes) != 0 {
		t.Errorf("refused servers still have changes: %+v", p.Changes)
	}
	if len(diags) != 2 {
		t.Fatalf("diags = %v, want 2", diags)
	}
	if got := *diags[0].Subject; got != planRange {
		t.Errorf("protected replace points at %v, want the plan_id expression %v", got, planRange)
	}
	if diags[0].Detail != "db-01 (id 1) would be replaced (plan_id 1 → 2 forces replacement), but lifecycle.prevent_destroy forbids deleting it. Set the attribute back, or lift the protection if losing the server and its disk is intended." {
		t.Errorf("detail = %q", diags[0].Detail)
	}
	if got := diags[1].Subject.Start.Line; got != 20 {
		t.Errorf("duplicate points at line %d, want the server block at 20", got)
	}
	if want := "The account holds 2 servers named web-01 (ids 2, 3) and the fleet declares one."; diags[1].Detail[:len(want)] != want {
		t.Errorf("detail = %q", diags[1].Detail)
	}
}

func TestBuildPlanNilFleet(t *testing.T) {
	p, diags := BuildPlan(nil, nil, PlanOptions{})
	if !diags.HasErrors() || p == nil || !p.Empty() {
		t.Fatalf("nil fleet: plan %+v, diags %v", p, diags)
	}
}

func TestBuildPlanIsSortedAndDeterministic(t *testing.T) {
	fleet := &schema.Fleet{Owns: []string{"*"}, Servers: []schema.DesiredServer{
		et.Desired("a", 1), et.Desired("c", 2, et.WantBackups(true)), et.Desired("e", 3)}}
	live := []api.Server{et.Live(9, "z"), et.Live(8, "c"), et.Live(7, "b"), et.Live(6, "b"), et.Live(5, "d")}
	first, _ := BuildPlan(fleet, live, PlanOptions{})
	var names []string
	for _, c := range first.Changes {
		names = append(names, c.Subject())
	}
	want := []string{"a", "b (id 6)", "b (id 7)", "c (id 8)", "d (id 5)", "e", "z (id 9)"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("order = %q, want %q", names, want)
	}
	reversed := append([]api.Server(nil), live...)
	for i, j := 0, len(reversed)-1; i < j; i, j = i+1, j-1 {
		reversed[i], reversed[j] = reversed[j], reversed[i]
	}
	second, _ := BuildPlan(fleet, reversed, PlanOptions{})
	if !reflect.DeepEqual(first, second) {
		t.Errorf("plan depends on the order of the live list")
	}
	wantSummary := Summary{Create: 2, Update: 1, Delete: 4}
	if first.Summary != wantSummary {
		t.Errorf("summary = %+v, want %+v", first.Summary, wantSummary)
	}
}
