package engine

import "github.com/fatih/color"

// Action is one kind of step a change takes. The values are the words of
// the -json document; everything else known of an action (its symbol,
// colour, tense and summary count) is in its ActionInfo, from one table.
type Action string

// The actions a change may carry.
const (
	ActionCreate  Action = "create"
	ActionUpdate  Action = "update"
	ActionReplace Action = "replace"
	ActionDelete  Action = "delete"
	ActionStart   Action = "start"
	ActionStop    Action = "stop"
	ActionRename  Action = "rename"
	ActionReboot  Action = "reboot"
)

// ActionInfo is how one action is named, shown and counted.
type ActionInfo struct {
	// Symbol marks a change whose weightiest action this is: "+" create,
	// "~" update, "-/+" replace, "-" delete, ">" start, "." stop, "→"
	// rename, "↻" reboot.
	Symbol string
	// Color is the colour of the symbol.
	Color color.Attribute
	// Past completes "will be ...": "created", "updated in place".
	Past string
	// Doing, Still and Done word the step in progress lines: "Creating...",
	// "Still creating...", "Creation complete".
	Doing, Still, Done string
	// count is the action's slot in a Summary.
	count func(*Summary) *int
}

// actionTable is the vocabulary of the plan, heaviest action first: a
// change with several actions is shown with the symbol of the heaviest.
var actionTable = []struct {
	action Action
	info   ActionInfo
}{
	{ActionReplace, ActionInfo{"-/+", color.FgMagenta, "replaced", "Replacing", "replacing", "Replacement", func(s *Summary) *int { return &s.Replace }}},
	{ActionCreate, ActionInfo{"+", color.FgGreen, "created", "Creating", "creating", "Creation", func(s *Summary) *int { return &s.Create }}},
	{ActionDelete, ActionInfo{"-", color.FgRed, "deleted", "Destroying", "destroying", "Destruction", func(s *Summary) *int { return &s.Delete }}},
	{ActionUpdate, ActionInfo{"~", color.FgYellow, "updated in place", "Modifying", "modifying", "Modifications", func(s *Summary) *int { return &s.Update }}},
	{ActionRename, ActionInfo{"→", color.FgBlue, "renamed", "Renaming", "renaming", "Rename", func(s *Summary) *int { return &s.Rename }}},
	{ActionStart, ActionInfo{">", color.FgCyan, "started", "Starting", "starting", "Start", func(s *Summary) *int { return &s.Start }}},
	{ActionStop, ActionInfo{".", color.FgCyan, "stopped", "Stopping", "stopping", "Stop", func(s *Summary) *int { return &s.Stop }}},
	{ActionReboot, ActionInfo{"↻", color.FgCyan, "rebooted", "Rebooting", "rebooting", "Reboot", func(s *Summary) *int { return &s.Reboot }}},
}

// unknownAction is the ActionInfo of an action the table does not hold:
// neutral words, no summary slot.
var unknownAction = ActionInfo{Symbol: "?", Color: color.FgCyan, Doing: "Working", Still: "working", Done: "Step"}

// Info returns the action's entry of the vocabulary table, or neutral
// words and ok false for an action it does not know.
func (a Action) Info() (info ActionInfo, ok bool) {
	for _, e := range actionTable {
		if e.action == a {
			return e.info, true
		}
	}
	return unknownAction, false
}

// Actions returns every action of the vocabulary, heaviest first (the
// order that picks a change's symbol).
func Actions() []Action {
	out := make([]Action, len(actionTable))
	for i, e := range actionTable {
		out[i] = e.action
	}
	return out
}

// Known reports whether a is one of the actions above.
func (a Action) Known() bool {
	_, ok := a.Info()
	return ok
}

// Primary is the heaviest action of c (replace, create, delete, update,
// rename, start, stop, reboot), or "" when c has none the table knows.
func (c Change) Primary() Action {
	for _, e := range actionTable {
		if c.Has(e.action) {
			return e.action
		}
	}
	return ""
}
