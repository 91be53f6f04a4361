package render

import (
	"strings"

	"github.com/vpsfleet/vpsfleet/engine"
)

// Symbol is the mark the text and Markdown views put before a change: the
// symbol of its heaviest action (engine.ActionInfo.Symbol), "?" when it
// has none the vocabulary knows.
func Symbol(c engine.Change) string {
	info, _ := c.Primary().Info()
	return info.Symbol
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
// "Creation".
func actionWords(a engine.Action) engine.ActionInfo {
	info, _ := a.Info()
	return info
}
