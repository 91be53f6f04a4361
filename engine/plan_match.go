package engine

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

// pairing is one desired server with the live servers that carry its name.
type pairing struct {
	desired *schema.DesiredServer
	// live holds every live server matched to the desired server: none
	// (create), one (compare), or several (the plan refuses to guess).
	live []*api.Server
	// move is the moved block the match went through, nil when the live
	// server already carries the desired name.
	move *schema.Move
}

// matching is how the live account lines up with a fleet.
//
// Rules: a live server is matched by desired name; a live server named by
// a moved.from is matched to that block's moved.to when no live server
// carries the moved.to name and no server block declares the moved.from
// name. A moved block whose from and to are both live is ignored (with a
// warning); the first applicable moved block in source order wins.
type matching struct {
	pairs []pairing
	// claimed holds the ids of live servers matched to a desired server.
	claimed map[int64]bool
	// warnings explain moved blocks that were not followed.
	warnings []moveWarning
}

// moveWarning is a moved block that was ignored, and why.
type moveWarning struct {
	move *schema.Move
	text string
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

// matchServers pairs every desired server of fleet with live servers.
func matchServers(fleet *schema.Fleet, live []api.Server) matching {
	idx := liveIndex(live)
	declared := make(map[string]bool, len(fleet.Servers))
	for i := range fleet.Servers {
		declared[fleet.Servers[i].Name] = true
	}
	m := matching{claimed: make(map[int64]bool, len(live))}
	for i := range fleet.Moves {
		mv := &fleet.Moves[i]
		switch {
		case len(idx[mv.From]) > 0 && len(idx[mv.To]) > 0:
			m.warnings = append(m.warnings, moveWarning{mv, fmt.Sprintf(
				"moved block %s → %s (%s) ignored: both %s and %s are in the account; delete one of them or remove the moved block",
				mv.From, mv.To, shortRange(mv.Range), mv.From, mv.To)})
		case len(idx[mv.From]) > 0 && declared[mv.From]:
			m.warnings = append(m.warnings, moveWarning{mv, fmt.Sprintf(
				"moved block %s → %s (%s) ignored: %s is declared by its own server block; remove the block or the moved block",
				mv.From, mv.To, shortRange(mv.Range), mv.From)})
		}
	}
	m.pairs = make([]pairing, len(fleet.Servers))
	for i := range fleet.Servers {
		d := &fleet.Servers[i]
		p := pairing{desired: d, live: idx[d.Name]}
		if len(p.live) == 0 {
			for j := range fleet.Moves {
				mv := &fleet.Moves[j]
				if mv.To == d.Name && len(idx[mv.From]) > 0 && !declared[mv.From] {
					p.live, p.move = idx[mv.From], mv
					break
				}
			}
		}
		for _, s := range p.live {
			m.claimed[s.ID] = true
		}
		m.pairs[i] = p
	}
	return m
}

// moveFrom returns the moved.from name of a pairing, or "".
func (p pairing) moveFrom() string {
	if p.move == nil {
		return ""
	}
	return p.move.From
}
