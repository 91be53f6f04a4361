package render

import (
	"fmt"
	"strings"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/internal/words"
)

// NoChangesLine is SummaryLine's text for an empty plan.
const NoChangesLine = "No changes. The account matches the fleet."

// NoTargetedChangesLine is SummaryLine's text for an empty plan limited
// by -target: it cannot say that the account matches the fleet.
const NoTargetedChangesLine = "No changes to the targeted servers. Servers outside -target were not planned: plan without -target to see every change."

// SummaryLine is the closing line of a plan for people:
// "Plan: 2 to create, 1 to update, 1 to replace, 0 to delete, 1 power change."
// with ", 1 to rename" before the full stop when the plan renames any
// server (and ", 12 to reboot" when it reboots any), or NoChangesLine when the plan is empty (NoTargetedChangesLine
// when it is limited by -target). The counts are a tally of the changes
// (see tally): a rename with an update is one update. A nil plan reads as
// empty.
func SummaryLine(p *engine.Plan) string {
	if p == nil || p.Empty() {
		if p != nil && len(p.Targets) > 0 {
			return NoTargetedChangesLine
		}
		return NoChangesLine
	}
	var t tally
	for _, c := range p.Changes {
		t.add(c.Actions)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Plan: %d to create, %d to update, %d to replace, %d to delete, %s",
		t.create, t.update, t.replace, t.remove, words.Count(t.power, "power change"))
	if t.rename > 0 {
		fmt.Fprintf(&b, ", %d to rename", t.rename)
	}
	if t.reboot > 0 {
		fmt.Fprintf(&b, ", %d to reboot", t.reboot)
	}
	b.WriteString(".")
	return b.String()
}

// tally counts changes the way the summary lines of a plan and of an
// apply read them, so that the two agree: each change once as a create,
// update, replace, delete or rename, by the heaviest of those it carries
// (a rename with an update is one update), and besides once as a power
// change when it also starts or stops the server (a create that stops
// the new server is a create and a power change). A change that only
// starts or stops is only a power change.
type tally struct {
	create, update, replace, remove, rename, power, reboot int
}

// add counts one change by its actions: by its heaviest action (the
// vocabulary's order: engine.Change.Primary), and as a power change when
// it starts or stops the server.
func (t *tally) add(actions []engine.Action) {
	c := engine.Change{Actions: actions}
	switch c.Primary() {
	case engine.ActionReplace:
		t.replace++
	case engine.ActionCreate:
		t.create++
	case engine.ActionDelete:
		t.remove++
	case engine.ActionUpdate:
		t.update++
	case engine.ActionRename:
		t.rename++
	case engine.ActionReboot:
		t.reboot++
	}
	if c.Has(engine.ActionStart) || c.Has(engine.ActionStop) {
		t.power++
	}
}

// done words the tally in the past tense, in the order of SummaryLine:
// "1 created, 2 updated, 0 replaced, 1 deleted, 1 power change", with
// ", 1 renamed" when any change was a rename.
func (t tally) done() string {
	s := fmt.Sprintf("%d created, %d updated, %d replaced, %d deleted, %s",
		t.create, t.update, t.replace, t.remove, words.Count(t.power, "power change"))
	if t.rename > 0 {
		s += fmt.Sprintf(", %d renamed", t.rename)
	}
	if t.reboot > 0 {
		s += fmt.Sprintf(", %d rebooted", t.reboot)
	}
	return s
}
