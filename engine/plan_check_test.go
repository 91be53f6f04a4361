package engine

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestPlanCheck(t *testing.T) {
	live := &ServerState{ID: 12345, Name: "web-01"}
	want := &ServerState{Name: "web-01"}
	tests := []struct {
		name    string
		changes []Change
		wantErr string
	}{
		{"valid", []Change{
			{Name: "a", Actions: []Action{ActionCreate, ActionStop}, After: want},
			{Name: "b", Actions: []Action{ActionDelete}, Before: live},
			{Name: "c", Actions: []Action{ActionRename, ActionUpdate}, Before: live, After: want},
		}, ""},
		{"no name", []Change{{Actions: []Action{ActionCreate}, After: want}}, "no server name"},
		{"twice", []Change{{Name: "a", Actions: []Action{ActionCreate}, After: want}, {Name: "a", Actions: []Action{ActionCreate}, After: want}}, "same server"},
		{"no action", []Change{{Name: "a", After: want}}, "no action"},
		{"unknown action", []Change{{Name: "a", Actions: []Action{"explode"}, Before: live, After: want}}, `unknown action "explode"`},
		{"create with live", []Change{{Name: "a", Actions: []Action{ActionCreate}, Before: live, After: want}}, "a create needs"},
		{"delete without live", []Change{{Name: "a", Actions: []Action{ActionDelete}}}, "a delete needs"},
		{"update without after", []Change{{Name: "a", Actions: []Action{ActionUpdate}, Before: live}}, "needs both"},
		{"create and delete", []Change{{Name: "a", Actions: []Action{ActionCreate, ActionDelete}, After: want}}, "mix a delete"},
		{"create and replace", []Change{{Name: "a", Actions: []Action{ActionReplace, ActionCreate}, Before: live, After: want}}, "both create and replace"},
		{"replace and update", []Change{{Name: "a", Actions: []Action{ActionReplace, ActionUpdate}, Before: live, After: want}}, "made anew"},
		{"start and stop", []Change{{Name: "a", Actions: []Action{ActionStart, ActionStop}, Before: live, After: want}}, "both start and stop"},
		{"live without id", []Change{{Name: "a", Actions: []Action{ActionStop}, Before: &ServerState{Name: "a"}, After: want}}, "no server id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := (&Plan{Changes: tt.changes}).Check()
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Check() = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// FuzzReadSavedPlan: any bytes in a plan file give an error or a plan that
// passes Check and renders, never a panic.
func FuzzReadSavedPlan(f *testing.F) {
	f.Add([]byte(`{"format":"vpsfleet-plan","version":1,"plan":{"format_version":"1","changes":[]}}`))
	f.Add([]byte(`{"format":"vpsfleet-plan","version":1,"plan":{"changes":[{"name":"a","actions":["update"],"before":{"id":1,"name":"a"}}]}}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "fuzz.plan")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		sp, err := ReadSavedPlan(path)
		if err != nil {
			return
		}
		if err := sp.Plan.Check(); err != nil {
			t.Fatalf("ReadSavedPlan returned a plan that fails Check: %v", err)
		}
		for _, render := range []func(io.Writer, *Plan) error{
			RenderJSON, RenderMarkdown,
			func(w io.Writer, p *Plan) error { return RenderText(w, p, true) },
		} {
			if err := render(io.Discard, sp.Plan); err != nil {
				t.Fatalf("rendering a plan read back: %v", err)
			}
		}
	})
}

// TestReadSavedPlanRefusesContradictions: an edited plan file whose change
// both creates and deletes a server is refused when read, before apply
// could act on it.
func TestReadSavedPlanRefusesContradictions(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzReadSavedPlan", "create-and-delete"))
	if err != nil {
		t.Fatal(err)
	}
	body := strings.TrimSuffix(strings.TrimPrefix(string(data), "go test fuzz v1\n[]byte("), ")\n")
	plan, err := strconv.Unquote(body)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "edited.plan")
	if err := os.WriteFile(path, []byte(plan), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadSavedPlan(path); err == nil || !strings.Contains(err.Error(), "mix a delete") {
		t.Errorf("ReadSavedPlan = %v, want the contradiction refused", err)
	}
}
