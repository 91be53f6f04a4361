package schema

import (
	"github.com/hashicorp/hcl/v2"
)

var movedSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "from", Required: true},
		{Name: "to", Required: true},
	},
}

// movedSite is a decoded moved block with the ranges of its names.
type movedSite struct {
	move     Move
	fromRng  hcl.Range
	toRng    hcl.Range
	reported bool
}

// decodeMoves reads the moved blocks, in source order, and checks them
// against each other and against the declared servers.
func (l *loader) decodeMoves(blocks hcl.Blocks) {
	declared := make(map[string]bool, len(l.fleet.Servers))
	for _, s := range l.fleet.Servers {
		declared[s.Name] = true
	}
	var sites []*movedSite
	for _, b := range blocks {
		content, diags := bodyContent(b.Body, movedSchema)
		l.add(diags)
		if diags.HasErrors() {
			continue
		}
		from, fromOK := l.movedName(content.Attributes["from"])
		to, toOK := l.movedName(content.Attributes["to"])
		if !fromOK || !toOK {
			continue
		}
		sites = append(sites, &movedSite{
			move:    Move{From: from, To: to, Range: b.DefRange},
			fromRng: content.Attributes["from"].Expr.Range(),
			toRng:   content.Attributes["to"].Expr.Range(),
		})
	}
	byFrom := map[string]*movedSite{}
	for _, m := range sites {
		switch {
		case m.move.From == m.move.To:
			l.errorf(m.toRng, "Redundant moved block",
				"This moved block moves %q to itself. Remove it, or set to to the server's new name.", m.move.From)
			continue
		case byFrom[m.move.From] != nil:
			l.errorf(m.fromRng, "Ambiguous moved block",
				"A moved block from %q was already declared at %s; one server cannot move to two names. Keep only one of them.",
				m.move.From, rangeString(byFrom[m.move.From].move.Range))
			continue
		}
		byFrom[m.move.From] = m
		l.fleet.Moves = append(l.fleet.Moves, m.move)
	}
	for _, m := range sites {
		if m.move.From == m.move.To || byFrom[m.move.From] != m {
			continue
		}
		l.checkMoveTarget(m, byFrom, declared)
	}
}

// checkMoveTarget reports a moved block whose to is not a declared server,
// whose from is still declared, or that forms a chain or loop with another.
func (l *loader) checkMoveTarget(m *movedSite, byFrom map[string]*movedSite, declared map[string]bool) {
	if next := byFrom[m.move.To]; next != nil {
		if loops(m, byFrom) {
			if !m.reported {
				// Mark the whole loop, so it is reported once.
				for cur := m; cur != nil && !cur.reported; cur = byFrom[cur.move.To] {
					cur.reported = true
				}
				l.errorf(m.move.Range, "Cyclic moved blocks",
					"The moved blocks here and at %s move servers in a loop (%q → %q → ...), so no server can keep its name. Remove the moved blocks that undo each other.",
					rangeString(next.move.Range), m.move.From, m.move.To)
			}
			return
		}
		l.errorf(m.move.Range, "Chained moved blocks",
			"This block moves %q to %q, and the block at %s moves %q on to %q. Write one block from %q to %q instead of the chain.",
			m.move.From, m.move.To, rangeString(next.move.Range), next.move.From, next.move.To, m.move.From, next.move.To)
		return
	}
	if !declared[m.move.To] && (l.broken == nil || !l.broken.servers && !l.broken.lost) {
		names := make([]string, 0, len(declared))
		for n := range declared {
			names = append(names, n)
		}
		l.errorf(m.toRng, "Moved to an undeclared server",
			"No server named %q is declared, so nothing can be moved to it. Declare the server, or correct the name.%s",
			m.move.To, suggestion(m.move.To, names))
	}
	if declared[m.move.From] {
		l.errorf(m.fromRng, "Moved from a declared server",
			"A server named %q is still declared, so it cannot also be renamed to %q. Remove its server block, or remove this moved block.",
			m.move.From, m.move.To)
	}
}

// loops reports whether following moves from m comes back to m.
func loops(m *movedSite, byFrom map[string]*movedSite) bool {
	seen := map[*movedSite]bool{}
	for cur := m; cur != nil && !seen[cur]; cur = byFrom[cur.move.To] {
		seen[cur] = true
		if cur.move.To == m.move.From {
			return true
		}
	}
	return false
}

// movedName evaluates a moved block's from or to as a server name.
func (l *loader) movedName(a *hcl.Attribute) (string, bool) {
	val, ok := l.eval(a.Expr, l.ctx, scopeBase)
	if !ok {
		return "", false
	}
	name, ok := l.stringValue(val, a.Expr.Range(), a.Name)
	if !ok {
		return "", false
	}
	if !ValidServerName(name) {
		l.errorf(a.Expr.Range(), "Invalid server name", "%q is not a valid server name. %s", name, nameRule)
		return "", false
	}
	return name, true
}
