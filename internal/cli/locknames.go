package cli

import (
	"math/rand/v2"
	"slices"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
)

// lockNames is every server name plan touches, sorted and once each:
// the name of each change, the live name it had (both names of a rename),
// the server an earlier create_before_destroy replacement left under a
// temporary name, and the temporary name (by tag) that a new
// create_before_destroy replacement will create.
func lockNames(plan *engine.Plan, tag string) []string {
	var names []string
	for _, c := range plan.Changes {
		names = append(names, c.Name)
		if c.Before != nil {
			names = append(names, c.Before.Name)
		}
		if c.After != nil {
			names = append(names, c.After.Name)
		}
		if c.Replacement != nil {
			names = append(names, c.Replacement.Name)
		}
		if tmp, ok := tempNameOf(c, tag); ok {
			names = append(names, tmp)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// tempNameOf is the temporary name change c creates with tag, when it is
// a create_before_destroy replacement that creates one.
func tempNameOf(c engine.Change, tag string) (string, bool) {
	if !c.CreateBeforeDestroy || c.Replacement != nil || c.After == nil || !c.Has(engine.ActionReplace) {
		return "", false
	}
	return engine.TempName(c.After.Name, tag), true
}

// tempTagAlphabet and tempTagLen make a temporary-name tag as the
// executor's own: four lowercase letters or digits.
const (
	tempTagAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	tempTagLen      = 4
)

// newTempTag is a random tag for engine.TempName.
func newTempTag() string {
	tag := make([]byte, tempTagLen)
	for i := range tag {
		tag[i] = tempTagAlphabet[rand.IntN(len(tempTagAlphabet))]
	}
	return string(tag)
}

// tempTagFree reports whether no live server already carries a temporary
// name that plan would create with tag.
func tempTagFree(plan *engine.Plan, tag string, live []api.Server) bool {
	taken := make(map[string]bool, len(live))
	for _, s := range live {
		taken[s.Name] = true
	}
	for _, c := range plan.Changes {
		if tmp, ok := tempNameOf(c, tag); ok && taken[tmp] {
			return false
		}
	}
	return true
}

// freeTempTag returns tag when it is free for plan in live (see
// tempTagFree), else a new random one that is. It gives up after 100
// draws and returns the last: only an account holding most of the 1.7
// million tags of some name could make every draw collide.
func freeTempTag(plan *engine.Plan, tag string, live []api.Server) string {
	for i := 0; i < 100 && !tempTagFree(plan, tag, live); i++ {
		tag = newTempTag()
	}
	return tag
}
