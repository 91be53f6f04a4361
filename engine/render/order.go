package render

import (
	"fmt"
	"strings"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/internal/words"
)

// orderLines says, one line per group that orders the plan's changes and
// in dependency order, how they run: "web: 20 replacements in 10 batches
// of 2, pause 30s, health check ./check.sh; after db". A group has a line
// when a change of it runs in batches, waits for another group or brings
// up a server its health check checks, or when another group's changes
// wait for its own; none for a plan that orders nothing.
func orderLines(p *engine.Plan) []string {
	if p == nil || len(p.Groups) == 0 {
		return nil
	}
	type groupChanges struct {
		governed, others   []engine.Change
		after, deleteAfter []string
	}
	byGroup := map[string]*groupChanges{}
	waitedFor := map[string]bool{}
	for _, c := range p.Changes {
		gc := byGroup[c.Group]
		if gc == nil {
			gc = &groupChanges{}
			byGroup[c.Group] = gc
		}
		if c.Batch > 0 {
			gc.governed = append(gc.governed, c)
		} else {
			gc.others = append(gc.others, c)
		}
		for _, w := range c.WaitsFor {
			waitedFor[w] = true
			if c.Has(engine.ActionDelete) {
				gc.deleteAfter = appendOnce(gc.deleteAfter, w)
			} else {
				gc.after = appendOnce(gc.after, w)
			}
		}
	}
	var out []string
	for _, g := range p.Groups {
		gc := byGroup[g.Label]
		checked := g.Rollout != nil && g.Rollout.HealthCheck != nil && gc != nil && bringsUp(gc.others)
		if gc == nil || len(gc.governed) == 0 && len(gc.after) == 0 && len(gc.deleteAfter) == 0 && !waitedFor[g.Label] && !checked {
			continue
		}
		var parts []string
		if r := g.Rollout; r != nil && len(gc.governed) > 0 {
			parts = append(parts, rolloutPhrase(g, r, gc.governed))
		}
		if len(gc.others) > 0 {
			part := changeCounts(gc.others, false)
			switch r := g.Rollout; {
			case len(gc.governed) > 0:
				part += " outside the batches"
			case r != nil && r.HealthCheck != nil && bringsUp(gc.others):
				part += ", health check " + r.HealthCheck.CommandLine()
			}
			parts = append(parts, part)
		}
		if len(gc.after) > 0 {
			parts = append(parts, "after "+joinAnd(gc.after))
		}
		if len(gc.deleteAfter) > 0 {
			parts = append(parts, "deleted after "+joinAnd(gc.deleteAfter))
		}
		if len(parts) == 0 {
			parts = append(parts, "no changes")
		}
		out = append(out, g.Label+": "+strings.Join(parts, "; "))
	}
	return out
}

// rolloutPhrase is the part of a group's order line about its rollout.
func rolloutPhrase(g engine.Group, r *engine.Rollout, governed []engine.Change) string {
	s := changeCounts(governed, true)
	if r.Batches == 1 {
		s += " in 1 batch"
	} else {
		s += fmt.Sprintf(" in %d batches of %d", r.Batches, r.BatchSize)
	}
	if r.Pause > 0 {
		s += ", pause " + words.Exact(r.Pause)
	}
	if r.HealthCheck != nil {
		s += ", health check " + r.HealthCheck.CommandLine()
	}
	if r.MaxFailures > 0 {
		s += fmt.Sprintf(", max_failures %d", r.MaxFailures)
	}
	if g.Down > 0 {
		s += fmt.Sprintf(" (%s of %d already down, counted against max_unavailable %d)", words.Count(g.Down, "server"), g.Servers, r.MaxUnavailable)
	}
	return s
}

// changeCounts counts changes by their heaviest action, as nouns of what
// takes servers down ("20 replacements and 2 stops") when rolling, else
// as the summary does ("2 to create, 1 to start").
func changeCounts(changes []engine.Change, rolling bool) string {
	counts := map[engine.Action]int{}
	for _, c := range changes {
		a := c.Primary()
		if a == engine.ActionUpdate || a == engine.ActionRename {
			if c.Has(engine.ActionStop) && rolling {
				a = engine.ActionStop
			}
		}
		counts[a]++
	}
	nouns := map[engine.Action]string{engine.ActionReplace: "replacement", engine.ActionStop: "stop", engine.ActionReboot: "reboot"}
	var parts []string
	for _, a := range engine.Actions() {
		n := counts[a]
		if n == 0 {
			continue
		}
		if rolling {
			noun := nouns[a]
			if noun == "" {
				noun = string(a)
			}
			parts = append(parts, words.Count(n, noun))
			continue
		}
		parts = append(parts, fmt.Sprintf("%d to %s", n, a))
	}
	if rolling {
		return joinAnd(parts)
	}
	return strings.Join(parts, ", ")
}

// bringsUp reports whether any change creates or starts a server.
func bringsUp(changes []engine.Change) bool {
	for _, c := range changes {
		if c.BringsUp() {
			return true
		}
	}
	return false
}

// changeOrderNote is what a change's block says of its order: "batch 2
// of 10 of web's rollout; after db", or "" when nothing orders it.
func changeOrderNote(p *engine.Plan, c engine.Change) string {
	var parts []string
	if g := p.Group(c.Group); c.Batch > 0 && g != nil && g.Rollout != nil {
		parts = append(parts, fmt.Sprintf("batch %d of %d of %s's rollout", c.Batch, g.Rollout.Batches, c.Group))
	}
	if len(c.WaitsFor) > 0 {
		what := "after "
		if c.Has(engine.ActionDelete) {
			what = "deleted after "
		}
		parts = append(parts, what+joinAnd(c.WaitsFor))
	}
	return strings.Join(parts, "; ")
}

// joinAnd lists words: "db", "db and cache", "db, cache and queue".
func joinAnd(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// appendOnce appends s unless list holds it.
func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
