package engine

import (
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
