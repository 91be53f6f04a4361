package render

import (
	"strings"
	"testing"

	"github.com/vpsfleet/vpsfleet/engine"
)

func TestSummaryLine(t *testing.T) {
	tests := []struct {
		name    string
		changes []engine.Change
		want    string
	}{
		{"empty", nil, "No changes. The account matches the fleet."},
		{"one of each", []engine.Change{
			{Actions: []engine.Action{engine.ActionCreate, engine.ActionStop}},
			{Actions: []engine.Action{engine.ActionUpdate}},
			{Actions: []engine.Action{engine.ActionReplace, engine.ActionStop}},
			{Actions: []engine.Action{engine.ActionDelete}},
		}, "Plan: 1 to create, 1 to update, 1 to replace, 1 to delete, 2 power changes."},
		{"one power change", []engine.Change{{Actions: []engine.Action{engine.ActionStart}}},
			"Plan: 0 to create, 0 to update, 0 to replace, 0 to delete, 1 power change."},
		{"renames are added when present", []engine.Change{{Actions: []engine.Action{engine.ActionRename}}, {Actions: []engine.Action{engine.ActionRename, engine.ActionStart}}},
			"Plan: 0 to create, 0 to update, 0 to replace, 0 to delete, 1 power change, 2 to rename."},
		{"a rename with an update is one change", []engine.Change{{Actions: []engine.Action{engine.ActionRename, engine.ActionUpdate}}},
			"Plan: 0 to create, 1 to update, 0 to replace, 0 to delete, 0 power changes."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := engine.NewPlan(tt.changes...)
			if got := SummaryLine(p); got != tt.want {
				t.Errorf("SummaryLine = %q, want %q", got, tt.want)
			}
		})
	}
	// A targeted plan with no changes cannot say that the account
	// matches the fleet: changes may be pending outside the targets.
	targeted := engine.NewPlan()
	targeted.Targets = []string{"nope-*"}
	if got := SummaryLine(targeted); got != NoTargetedChangesLine || strings.Contains(got, "matches the fleet") {
		t.Errorf("SummaryLine(targeted, empty) = %q", got)
	}
	if got := SummaryLine(nil); got != NoChangesLine {
		t.Errorf("SummaryLine(nil) = %q", got)
	}
}
