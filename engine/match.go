package engine

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

// Pair is one desired server with the live servers that carry its name.
type Pair struct {
	Desired *schema.DesiredServer
	// Live holds every live server matched to the desired server: none
	// (to create), one (to compare), or several (the plan refuses to
	// guess), sorted by id.
	Live []*api.Server
	// Move is the moved block the match went through, nil when the live
	// server already carries the desired name.
	Move *schema.Move
	// Targeted reports whether -target selects the pair (by its desired
	// name, the label of its server block, or its moved.from name);
	// always true without targets.
	Targeted bool
	// Temps are live servers under a temporary name of the desired server
	// (engine.TempName) when it is replaced with create_before_destroy:
	// left by an earlier replacement that did not finish.
	Temps []*api.Server
}

// MoveFrom returns the moved.from name of the pair, or "".
func (p Pair) MoveFrom() string {
	if p.Move == nil {
		return ""
	}
	return p.Move.From
}

// Orphan is a live server that no desired server claims.
type Orphan struct {
	Live *api.Server
	// OwnedBy is the first fleet.owns glob that matches its name, "" when
	// none does: the server is then not managed by this fleet.
	OwnedBy string
	// NamedLike is the first declared server (in the fleet's order) whose
	// name has the shape of the orphan's (see SameShape), nil when none
	// has: db-02 is named like db-01, web-04 like web-01. With no state
	// file this is the planner's only sign that a server was the fleet's
	// once and its block was removed.
	NamedLike *schema.DesiredServer
	// Targeted reports whether -target selects it: by its name, or, when
	// it is named like the servers of a count or for_each group, by that
	// group's label (so that -target web also deletes the web-04 a
	// smaller count leaves); always true without targets.
	Targeted bool
}

// MoveWarning is a moved block that was not followed, and why.
type MoveWarning struct {
	Move *schema.Move
	Text string
}

// Matching is how the live account lines up with a fleet: the one answer
// that reading details, planning, destroying and saving a plan all work
// from.
//
// Rules: a live server is matched by desired name; a live server named by
// a moved.from is matched to that block's moved.to when no live server
// carries the moved.to name and no server block declares the moved.from
// name. A moved block whose from and to are both live is ignored (with a
// warning); the first applicable moved block in source order wins.
type Matching struct {
	// Pairs has one entry per desired server, in the fleet's order.
	Pairs []Pair
	// Orphans are the live servers no pair claims, sorted by name then id.
	Orphans []Orphan
	// MoveWarnings explain moved blocks that were not followed.
	MoveWarnings []MoveWarning

	fleet   *schema.Fleet
	targets schema.GlobSet
	// names are the desired, moved.from and moved.to names.
	names map[string]bool
}

// Match lines live up with fleet (see Matching), under the -target globs
// (none: every server is targeted). It is pure; the result points into
// live and fleet, which must not change while it is used.
func Match(fleet *schema.Fleet, live []api.Server, targets schema.GlobSet) *Matching {
	idx := liveIndex(live)
	declared := make(map[string]bool, len(fleet.Servers))
	for i := range fleet.Servers {
		declared[fleet.Servers[i].Name] = true
	}
	m := &Matching{fleet: fleet, targets: targets, names: make(map[string]bool, len(declared)+2*len(fleet.Moves))}
	for name := range declared {
		m.names[name] = true
	}
	for i := range fleet.Moves {
		mv := &fleet.Moves[i]
		m.names[mv.From], m.names[mv.To] = true, true
		switch {
		case len(idx[mv.From]) > 0 && len(idx[mv.To]) > 0:
			m.MoveWarnings = append(m.MoveWarnings, MoveWarning{mv, fmt.Sprintf(
				"moved block %s → %s (%s) ignored: both %s and %s are in the account; delete one of them or remove the moved block",
				mv.From, mv.To, shortRange(mv.Range), mv.From, mv.To)})
		case len(idx[mv.From]) > 0 && declared[mv.From]:
			m.MoveWarnings = append(m.MoveWarnings, MoveWarning{mv, fmt.Sprintf(
				"moved block %s → %s (%s) ignored: %s is declared by its own server block; remove the block or the moved block",
				mv.From, mv.To, shortRange(mv.Range), mv.From)})
		}
	}
	shapes := make(map[string][]*schema.DesiredServer, len(fleet.Servers))
	for i := range fleet.Servers {
		d := &fleet.Servers[i]
		shapes[nameShape(d.Name)] = append(shapes[nameShape(d.Name)], d)
	}
	claimed := make(map[int64]bool, len(live))
	m.Pairs = make([]Pair, len(fleet.Servers))
	for i := range fleet.Servers {
		d := &fleet.Servers[i]
		p := Pair{Desired: d, Live: idx[d.Name]}
		if len(p.Live) == 0 {
			for j := range fleet.Moves {
				mv := &fleet.Moves[j]
				if mv.To == d.Name && len(idx[mv.From]) > 0 && !declared[mv.From] {
					p.Live, p.Move = idx[mv.From], mv
					break
				}
			}
		}
		p.Targeted = m.Targets(d.Name, d.Group, p.MoveFrom())
		for _, s := range p.Live {
			claimed[s.ID] = true
		}
		m.Pairs[i] = p
	}
	m.claimTemps(live, claimed)
	for _, s := range sortedLive(live) {
		if claimed[s.ID] {
			continue
		}
		owner, _ := fleet.Owns.Match(s.Name)
		o := Orphan{Live: s, OwnedBy: owner, Targeted: m.Targets(s.Name)}
		for _, d := range shapes[nameShape(s.Name)] {
			if o.NamedLike == nil {
				o.NamedLike = d
			}
			if d.Group != "" && d.Group != d.Name && len(m.targets) > 0 && m.targets.MatchesAny(d.Group) {
				o.Targeted = true
			}
		}
		m.Orphans = append(m.Orphans, o)
	}
	return m
}

// unmanaged is the orphan as the plan lists it when no owns pattern
// matches it.
func (o Orphan) unmanaged() UnmanagedServer {
	u := UnmanagedServer{ID: o.Live.ID, Name: o.Live.Name}
	if o.NamedLike != nil {
		u.NamedLike = o.NamedLike.Name
	}
	return u
}

// SameShape reports whether two server names have the same shape: the
// same text once every run of digits is taken as one placeholder
// ("db-01", "db-2" and "db-10" are all db-#; "web-server-01" is not
// web-#). It is how the planner, with no state file, recognises a live
// server that is named like the fleet's servers.
func SameShape(a, b string) bool { return nameShape(a) == nameShape(b) }

// nameShape is name with every run of ASCII digits replaced by "#".
func nameShape(name string) string {
	var b strings.Builder
	inDigits := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= '0' && c <= '9' {
			if !inDigits {
				b.WriteByte('#')
			}
			inDigits = true
			continue
		}
		inDigits = false
		b.WriteByte(c)
	}
	return b.String()
}

// claimTemps gives every pair whose desired server is replaced with
// create_before_destroy the unclaimed live servers under one of its
// temporary names, and claims them.
func (m *Matching) claimTemps(live []api.Server, claimed map[int64]bool) {
	byPrefix := map[string]int{}
	for i, p := range m.Pairs {
		if p.Desired.Lifecycle.CreateBeforeDestroy {
			tmp := TempName(p.Desired.Name, "0000")
			byPrefix[tmp[:len(tmp)-tempTagLen]] = i
		}
	}
	if len(byPrefix) == 0 {
		return
	}
	for _, s := range sortedLive(live) {
		if claimed[s.ID] || len(s.Name) <= tempTagLen {
			continue
		}
		i, ok := byPrefix[s.Name[:len(s.Name)-tempTagLen]]
		if !ok || !IsTempName(s.Name, m.Pairs[i].Desired.Name) {
			continue
		}
		m.Pairs[i].Temps = append(m.Pairs[i].Temps, s)
		m.names[s.Name] = true
		claimed[s.ID] = true
	}
}

// Targets reports whether any of names is selected by the -target globs;
// with none, every name is.
func (m *Matching) Targets(names ...string) bool {
	return len(m.targets) == 0 || m.targets.MatchesAny(names...)
}

// Concerns reports whether a live server of this name is one the fleet
// cares about: a desired name, a moved.from or moved.to, or a name
// fleet.owns matches. A saved plan records every such server it saw.
func (m *Matching) Concerns(name string) bool {
	if m.names[name] {
		return true
	}
	_, owned := m.fleet.Owns.Match(name)
	return owned
}

// unmatchedTargets returns the -target globs that name no desired server,
// server block label, moved.from or live server.
func (m *Matching) unmatchedTargets(live []api.Server) []string {
	var out []string
	for _, t := range m.targets {
		one := schema.GlobSet{t}
		found := false
		for i := range m.fleet.Servers {
			found = found || one.MatchesAny(m.fleet.Servers[i].Name, m.fleet.Servers[i].Group)
		}
		for _, mv := range m.fleet.Moves {
			found = found || one.MatchesAny(mv.From)
		}
		for i := range live {
			found = found || one.MatchesAny(live[i].Name)
		}
		if !found {
			out = append(out, t)
		}
	}
	return out
}

// liveIndex groups live servers by name, each group sorted by id.
func liveIndex(live []api.Server) map[string][]*api.Server {
	idx := make(map[string][]*api.Server, len(live))
	for i := range live {
		s := &live[i]
		idx[s.Name] = append(idx[s.Name], s)
	}
	for _, group := range idx {
		if len(group) > 1 {
			slices.SortFunc(group, func(a, b *api.Server) int { return cmp.Compare(a.ID, b.ID) })
		}
	}
	return idx
}

// sortedLive returns pointers to the live servers sorted by name, then id.
func sortedLive(live []api.Server) []*api.Server {
	out := make([]*api.Server, len(live))
	for i := range live {
		out[i] = &live[i]
	}
	slices.SortFunc(out, func(a, b *api.Server) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}
