package engine

import "testing"

func TestSummaryLine(t *testing.T) {
	tests := []struct {
		name    string
		changes []Change
		want    string
	}{
		{"empty", nil, "No changes. The account matches the fleet."},
		{"one of each", []Change{
			{Actions: []Action{ActionCreate, ActionStop}},
			{Actions: []Action{ActionUpdate}},
			{Actions: []Action{ActionReplace, ActionStop}},
			{Actions: []Action{ActionDelete}},
		}, "Plan: 1 to create, 1 to update, 1 to replace, 1 to delete, 2 power changes."},
		{"one power change", []Change{{Actions: []Action{ActionStart}}},
			"Plan: 0 to create, 0 to update, 0 to replace, 0 to delete, 1 power change."},
		{"renames are added when present", []Change{{Actions: []Action{ActionRename, ActionUpdate}}},
			"Plan: 0 to create, 1 to update, 0 to replace, 0 to delete, 0 power changes, 1 to rename."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPlan()
			p.Changes = append(p.Changes, tt.changes...)
			p.Summary = summarize(p.Changes)
			if got := SummaryLine(p); got != tt.want {
				t.Errorf("SummaryLine = %q, want %q", got, tt.want)
			}
		})
	}
	if got := SummaryLine(nil); got != NoChangesLine {
		t.Errorf("SummaryLine(nil) = %q", got)
	}
}
