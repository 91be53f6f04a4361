package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/vpsfleet/vpsfleet/engine"
)

func TestSymbol(t *testing.T) {
	tests := []struct {
		change engine.Change
		want   string
	}{
		{engine.Change{Actions: []engine.Action{engine.ActionReplace}}, "-/+"},
		{engine.Change{Actions: []engine.Action{engine.ActionReplace, engine.ActionStop}, CreateBeforeDestroy: true}, "+/-"},
		// create_before_destroy only changes how a replacement is made.
		{engine.Change{Actions: []engine.Action{engine.ActionUpdate}, CreateBeforeDestroy: true}, "~"},
		{engine.Change{Actions: []engine.Action{engine.ActionCreate, engine.ActionStop}}, "+"},
		{engine.Change{Actions: []engine.Action{engine.ActionRename}}, "→"},
		{engine.Change{Actions: []engine.Action{"teleport"}}, "?"},
	}
	for _, tt := range tests {
		if got := Symbol(tt.change); got != tt.want {
			t.Errorf("Symbol(%v, cbd %v) = %q, want %q", tt.change.Actions, tt.change.CreateBeforeDestroy, got, tt.want)
		}
	}
}

// TestTextLegend: the text view explains the symbols its changes use,
// and only those, before the changes.
func TestTextLegend(t *testing.T) {
	p := engine.NewPlan(
		engine.Change{Name: "db-01", Actions: []engine.Action{engine.ActionReplace}, CreateBeforeDestroy: true},
		engine.Change{Name: "web-01", Actions: []engine.Action{engine.ActionCreate}},
		engine.Change{Name: "web-02", Actions: []engine.Action{engine.ActionStop}},
	)
	var b bytes.Buffer
	if err := Text(&b, p, false); err != nil {
		t.Fatal(err)
	}
	want := "Actions are marked with these symbols:\n" +
		"  +/- replace: create the new server first, then delete the old one (create_before_destroy)\n" +
		"    + create\n" +
		"    . stop\n\n" +
		"vpsfleet will perform the following actions:\n"
	if !strings.HasPrefix(b.String(), want) {
		t.Errorf("the plan begins:\n%s\nwant:\n%s", b.String(), want)
	}
	if !strings.Contains(b.String(), "  +/- db-01 will be replaced\n") {
		t.Errorf("the replacement is not marked +/-:\n%s", b.String())
	}
	var empty bytes.Buffer
	if err := Text(&empty, engine.NewPlan(), false); err != nil || strings.Contains(empty.String(), "symbols") {
		t.Errorf("an empty plan has a legend:\n%s", empty.String())
	}
}
