package render

import (
	"fmt"
	"strings"

	"github.com/vpsfleet/vpsfleet/engine"
)

// NoChangesLine is SummaryLine's text for an empty plan.
const NoChangesLine = "No changes. The account matches the fleet."

// SummaryLine is the closing line of a plan for people:
// "Plan: 2 to create, 1 to update, 1 to replace, 0 to delete, 1 power change."
// with ", 1 to rename" before the full stop when the plan renames any
// server, or NoChangesLine when the plan is empty. Power changes are the
// starts plus the stops. A nil plan reads as empty.
func SummaryLine(p *engine.Plan) string {
	if p == nil || p.Empty() {
		return NoChangesLine
	}
	s := p.Summary
	var b strings.Builder
	fmt.Fprintf(&b, "Plan: %d to create, %d to update, %d to replace, %d to delete, %s",
		s.Create, s.Update, s.Replace, s.Delete, countNoun(s.PowerChanges(), "power change"))
	if s.Rename > 0 {
		fmt.Fprintf(&b, ", %d to rename", s.Rename)
	}
	b.WriteString(".")
	return b.String()
}

// countNoun formats a count with its noun, adding an s unless n is 1.
func countNoun(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
