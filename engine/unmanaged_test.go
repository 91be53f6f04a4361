package engine

import (
	"reflect"
	"testing"

	"github.com/hashicorp/hcl/v2"

	et "github.com/vpsfleet/vpsfleet/internal/enginetest"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

// TestPlansNameTheUnmanagedServers: plan and destroy plan name every live
// server they count as unmanaged, by name then id, whatever the targets;
// owned, declared and temporary servers are not among them.
func TestPlansNameTheUnmanagedServers(t *testing.T) {
	fleet := &schema.Fleet{
		Owns:    []string{"web-*"},
		Servers: []schema.DesiredServer{et.Desired("web-01", 1), et.Desired("db-01", 2)},
	}
	live := []api.Server{
		et.Live(9, "mail"), et.Live(3, "web-01"), et.Live(4, "web-09"), et.Live(5, "db-01"),
		et.Live(8, "backup"), et.Live(7, "mail"),
	}
	want := []UnmanagedServer{{ID: 8, Name: "backup"}, {ID: 7, Name: "mail"}, {ID: 9, Name: "mail"}}
	build := map[string]func(PlanOptions) (*Plan, error){
		"plan": func(o PlanOptions) (*Plan, error) {
			p, diags := BuildPlan(fleet, live, o)
			return p, errorsOf(diags)
		},
		"destroy": func(o PlanOptions) (*Plan, error) {
			p, diags := BuildDestroyPlan(fleet, live, o)
			return p, errorsOf(diags)
		},
	}
	for name, b := range build {
		for _, targets := range [][]string{nil, {"web-01"}} {
			p, err := b(PlanOptions{Targets: targets})
			if err != nil {
				t.Fatalf("%s %v: %v", name, targets, err)
			}
			if !reflect.DeepEqual(p.UnmanagedServers, want) || p.Unmanaged != len(want) {
				t.Errorf("%s %v: unmanaged %d %+v, want %+v", name, targets, p.Unmanaged, p.UnmanagedServers, want)
			}
		}
	}
}

// errorsOf is diags as an error when any is an error, else nil.
func errorsOf(diags hcl.Diagnostics) error {
	if diags.HasErrors() {
		return diags
	}
	return nil
}
