package render

import (
	"strings"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply"
)

// createFirstSymbol marks a replacement made with create_before_destroy:
// the new server first, then the old one goes (Terraform's "+/-").
const createFirstSymbol = "+/-"

// Symbol is the mark the text and Markdown views put before a change: the
// symbol of its heaviest action (engine.ActionInfo.Symbol), except that a
// create_before_destroy replacement is "+/-" (create, then delete) where a
// plain one is "-/+"; "?" when it has no action the vocabulary knows.
func Symbol(c engine.Change) string {
	if c.Primary() == engine.ActionReplace && c.CreateBeforeDestroy {
		return createFirstSymbol
	}
	info, _ := c.Primary().Info()
	return info.Symbol
}

// legendEntry is one line of the legend of a plan's symbols.
type legendEntry struct {
	symbol, meaning string
}

// legend lists, in the vocabulary's order (heaviest first), the symbols
// the changes use and what each means, for the text view.
func legend(changes []engine.Change) []legendEntry {
	used := map[string]bool{}
	for _, c := range changes {
		used[Symbol(c)] = true
	}
	var out []legendEntry
	add := func(symbol, meaning string) {
		if used[symbol] {
			out = append(out, legendEntry{symbol, meaning})
			delete(used, symbol)
		}
	}
	for _, a := range engine.Actions() {
		info, _ := a.Info()
		switch a {
		case engine.ActionReplace:
			add(info.Symbol, "replace: delete, then create")
			add(createFirstSymbol, "replace: create the new server first, then delete the old one (create_before_destroy)")
		case engine.ActionUpdate:
			add(info.Symbol, "update in place")
		default:
			add(info.Symbol, string(a))
		}
	}
	if used["?"] {
		out = append(out, legendEntry{"?", "an action this version does not know"})
	}
	return out
}

// actionPhrase says what happens to the server: "will be updated in place
// and stopped".
func actionPhrase(c engine.Change) string {
	var verbs []string
	for _, a := range c.Actions {
		info, ok := a.Info()
		if !ok {
			continue
		}
		verb := info.Past
		if a == engine.ActionRename && c.Before != nil {
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

// actionWords are the progress words of a step: "Creating", "creating",
// "Creation"; a health check is "Checking health", "checking health",
// "Health check".
func actionWords(a engine.Action) engine.ActionInfo {
	if a == apply.StepHealthCheck {
		return engine.ActionInfo{Symbol: "?", Doing: "Checking health", Still: "checking health", Done: "Health check"}
	}
	info, _ := a.Info()
	return info
}
