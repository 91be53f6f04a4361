package engine

import (
	"reflect"
	"testing"

	et "github.com/vpsfleet/vpsfleet/internal/enginetest"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

func TestBuildDestroyPlan(t *testing.T) {
	fleet := &schema.Fleet{
		Owns:    []string{"web-*", "db-*"},
		Protect: []string{"cache-*"},
		Servers: []schema.DesiredServer{
			et.Desired("cache-01", 1), et.Desired("db-01", 2, et.PreventDestroy), et.Desired("db-02", 3),
			et.Desired("web-01", 4), et.Desired("web-02", 5),
		},
		Moves: []schema.Move{et.Move("db-old", "db-02", 9)},
	}
	live := []api.Server{
		et.Live(1, "cache-01"), et.Live(2, "db-01"), et.Live(3, "db-old", et.Status(api.StatusStopped)),
		et.Live(4, "web-01"), et.Live(5, "web-09"), et.Live(6, "mail"),
	}
	tests := []struct {
		name     string
		targets  []string
		deletes  []string
		warnings []string
	}{
		{"everything declared", nil, []string{"db-old (id 3)", "web-01 (id 4)"},
			[]string{"cache-01 kept: fleet.protect cache-*", "db-01 kept: lifecycle.prevent_destroy"}},
		{"targeted", []string{"web-*"}, []string{"web-01 (id 4)"}, []string{targeting(`-target "web-*"`)}},
		{"target matching nothing", []string{"x"}, nil, []string{targeting(`-target "x"`),
			`-target "x" matches nothing: no server block (name or label), moved block or server in the account has that name, so it selects no server; check the spelling (globs: * ? [...]).`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, diags := BuildDestroyPlan(fleet, live, PlanOptions{Targets: tt.targets})
			if diags.HasErrors() {
				t.Fatalf("diags: %v", diags)
			}
			var got []string
			for _, c := range p.Changes {
				if !reflect.DeepEqual(c.Actions, []Action{ActionDelete}) || c.After != nil {
					t.Errorf("%s: actions %v after %v, want a bare delete", c.Name, c.Actions, c.After)
				}
				got = append(got, c.Subject())
			}
			if !reflect.DeepEqual(got, tt.deletes) {
				t.Errorf("deletes = %q, want %q", got, tt.deletes)
			}
			if len(p.Warnings) != len(tt.warnings) || (len(tt.warnings) > 0 && !reflect.DeepEqual(p.Warnings, tt.warnings)) {
				t.Errorf("warnings = %q, want %q", p.Warnings, tt.warnings)
			}
			if len(diags) != len(p.Warnings) {
				t.Errorf("%d diagnostics for %d warnings", len(diags), len(p.Warnings))
			}
			if p.Unmanaged != 1 {
				t.Errorf("unmanaged = %d, want 1 (mail)", p.Unmanaged)
			}
		})
	}
	if p, _ := BuildDestroyPlan(fleet, live, PlanOptions{}); p.Changes[0].Reason != "destroy requested; declared at fleet.hcl:3" {
		t.Errorf("reason = %q", p.Changes[0].Reason)
	}
}

// TestBuildDestroyPlanRefusesDuplicateNames: two live servers carry a
// declared name, so destroy cannot know which one the fleet means and
// deletes neither.
func TestBuildDestroyPlanRefusesDuplicateNames(t *testing.T) {
	fleet := &schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1), et.Desired("web-02", 2)}}
	live := []api.Server{et.Live(1, "web-01"), et.Live(2, "web-01"), et.Live(3, "web-02")}
	p, diags := BuildDestroyPlan(fleet, live, PlanOptions{})
	if !diags.HasErrors() || diags[0].Summary != "Two live servers share one name" {
		t.Fatalf("diags = %v, want the duplicate-name error", diags)
	}
	for _, c := range p.Changes {
		if c.Name == "web-01" {
			t.Errorf("destroy planned %s (id %d) although its name is ambiguous", c.Name, c.Before.ID)
		}
	}
}

// targeting is the warning of a plan limited by targets.
func targeting(targets string) string {
	return "Targeting is in effect: only the servers that " + targets + " selects (by name, server block label or moved.from) are planned, so this plan may not show every change the fleet asks for. Use -target to work around a problem or recover from a mistake, not routinely; plan without it to see everything."
}
