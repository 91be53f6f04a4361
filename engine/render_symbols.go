package engine

import "strings"

// Symbol is the mark the text and Markdown renderers put before a change:
// "+" create, "~" update, "-/+" replace, "-" delete, ">" start, "." stop,
// "→" rename. A change with several actions shows the symbol of the
// weightiest one (replace, create, delete, update, rename, start, stop).
func Symbol(c Change) string {
	switch primaryAction(c) {
	case ActionCreate:
		return "+"
	case ActionReplace:
		return "-/+"
	case ActionDelete:
		return "-"
	case ActionUpdate:
		return "~"
	case ActionRename:
		return "→"
	case ActionStart:
		return ">"
	case ActionStop:
		return "."
	}
	return "?"
}

// primaryAction is the weightiest action of c (see Symbol).
func primaryAction(c Change) Action {
	for _, a := range []Action{ActionReplace, ActionCreate, ActionDelete, ActionUpdate, ActionRename, ActionStart, ActionStop} {
		if c.Has(a) {
			return a
		}
	}
	return ""
}

// actionPast is how actionPhrase words each action.
var actionPast = map[Action]string{
	ActionCreate:  "created",
	ActionUpdate:  "updated in place",
	ActionReplace: "replaced",
	ActionDelete:  "deleted",
	ActionStart:   "started",
	ActionStop:    "stopped",
	ActionRename:  "renamed",
}

// actionPhrase says what happens to the server: "will be updated in place
// and stopped".
func actionPhrase(c Change) string {
	var verbs []string
	for _, a := range c.Actions {
		verb, ok := actionPast[a]
		if !ok {
			continue
		}
		if a == ActionRename && c.Before != nil {
			verb += " from " + c.Before.Name
		}
		verbs = append(verbs, verb)
	}
	if len(verbs) == 0 {
		return "will be left as it is"
	}
	last := verbs[len(verbs)-1]
	if len(verbs) == 1 {
		return "will be " + last
	}
	return "will be " + strings.Join(verbs[:len(verbs)-1], ", ") + " and " + last
}

// subjectName is the change's name with the live id when there is one:
// "web-01 (id 12345)".
func subjectName(c Change) string {
	if c.Before != nil && c.Before.ID != 0 {
		return c.Name + " (id " + itoa(c.Before.ID) + ")"
	}
	return c.Name
}
