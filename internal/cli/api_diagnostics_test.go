package cli

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine/apply"
	"github.com/vpsfleet/vpsfleet/schema"
)

// TestFieldDiagnostics: a 400 with per-field messages becomes one error
// diagnostic per field, on the attribute's expression when the fleet set
// it, else on the server block; errors without fields, and servers the
// fleet does not declare, give none.
func TestFieldDiagnostics(t *testing.T) {
	at := func(line, col int) hcl.Range {
		return hcl.Range{Filename: "fleet.hcl", Start: hcl.Pos{Line: line, Column: col}, End: hcl.Pos{Line: line, Column: col + 2}}
	}
	fleet := &schema.Fleet{Servers: []schema.DesiredServer{
		{Name: "web-01", Range: at(6, 1), AttrRanges: map[schema.Attribute]hcl.Range{schema.AttrPlanID: at(7, 13), schema.AttrLocation: at(2, 14)}},
		{Name: "web-02", Range: at(10, 1)},
	}}
	refused := &api.Error{Status: 400, Method: "POST", Path: "/api/v1/servers/", Fields: map[string][]string{
		"plan_id":  {`Invalid pk "99" - object does not exist.`},
		"location": {`"mars" is not a valid choice.`},
		"name":     {"Enter a valid server name."},
	}}
	res := &apply.Result{Results: []apply.ServerResult{
		{Name: "web-01", Outcome: apply.OutcomeFailed, Err: fmt.Errorf("creating web-01: %w", refused)},
		{Name: "web-02", Outcome: apply.OutcomeFailed, Err: errors.New("timed out")},
		{Name: "mail", Outcome: apply.OutcomeFailed, Err: refused},
		{Name: "web-02", Outcome: apply.OutcomeDone},
	}}
	diags := fieldDiagnostics(res, fleet)
	want := []struct {
		summary string
		line    int
		detail  string
	}{
		{"The API refused location of web-01", 2, `POST /api/v1/servers/ answered 400 Bad Request for web-01: "mars" is not a valid choice. Set location to`},
		{"The API refused name of web-01", 6, "The fleet does not set name itself"},
		{"The API refused plan_id of web-01", 7, `Invalid pk "99" - object does not exist.`},
	}
	if len(diags) != len(want) {
		t.Fatalf("%d diagnostics, want %d: %v", len(diags), len(want), diags)
	}
	for i, w := range want {
		d := diags[i]
		if d.Severity != hcl.DiagError || d.Summary != w.summary || d.Subject == nil || d.Subject.Start.Line != w.line || !strings.Contains(d.Detail, w.detail) {
			t.Errorf("diagnostic %d = %s / %s at %v; want %s at line %d with %q", i, d.Summary, d.Detail, d.Subject, w.summary, w.line, w.detail)
		}
	}
	if diags := fieldDiagnostics(res, nil); diags != nil {
		t.Errorf("a saved plan's apply (no fleet) gave diagnostics: %v", diags)
	}
}
