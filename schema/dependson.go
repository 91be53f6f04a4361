package schema

import (
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// dependency is one entry of a server block's depends_on.
type dependency struct {
	label string
	rng   hcl.Range
}

// dependsOn decodes a depends_on attribute: a list of server block
// labels, written as strings (["db"]) or bare words ([db]), like
// Terraform's, not computed. Repeats are dropped.
func (l *loader) dependsOn(a *hcl.Attribute) []dependency {
	elems, diags := hcl.ExprList(a.Expr)
	if diags.HasErrors() {
		l.errorf(a.Expr.Range(), "Invalid depends_on",
			"depends_on must be a list of server block labels written out, such as [\"db\"]; it cannot be computed, since the order of changes depends on it.")
		return nil
	}
	var out []dependency
	for _, e := range elems {
		label := hcl.ExprAsKeyword(e)
		if label == "" && isLiteral(e) {
			if v, diags := e.Value(nil); !diags.HasErrors() && v.Type() == cty.String && !v.IsNull() {
				label = v.AsString()
			}
		}
		if label == "" {
			l.errorf(e.Range(), "Invalid depends_on",
				"Each entry of depends_on must be the label of a server block, written as a string such as \"db\" (not an expression).")
			continue
		}
		if !slices.ContainsFunc(out, func(d dependency) bool { return d.label == label }) {
			out = append(out, dependency{label: label, rng: e.Range()})
		}
	}
	return out
}

// checkDependencies reports depends_on entries that name no server block
// or the block itself, and cycles among the blocks' dependencies, once
// each. blocks are the server blocks decoded, by label.
func (l *loader) checkDependencies(blocks map[string]*serverBlock, order []*serverBlock) {
	labels := make([]string, 0, len(blocks))
	for _, sb := range order {
		labels = append(labels, sb.block.Labels[0])
	}
	mayBeInBrokenFile := l.broken != nil && (l.broken.servers || l.broken.lost)
	edges := map[string][]dependency{}
	for _, sb := range order {
		label := sb.block.Labels[0]
		for _, d := range sb.deps {
			switch {
			case d.label == label:
				l.errorf(d.rng, "Self-referential depends_on",
					"Server block %q depends on itself, which can never be satisfied. Remove %q from its depends_on.", label, d.label)
			case blocks[d.label] == nil:
				if !mayBeInBrokenFile {
					l.errorf(d.rng, "Reference to undeclared server block",
						"No server block is labelled %q. depends_on names server blocks by their label (for a block with count or for_each, the group's label).%s",
						d.label, suggestion(d.label, labels))
				}
			default:
				edges[label] = append(edges[label], d)
			}
		}
	}
	l.checkCycles(edges, order)
}

// checkCycles reports each cycle of edges (block label → the labels it
// depends on) once, at the depends_on entry that closes it. The search
// keeps its own stack, so a chain of any length cannot overflow the Go
// stack.
func (l *loader) checkCycles(edges map[string][]dependency, order []*serverBlock) {
	const (
		unvisited = iota
		visiting
		done
	)
	type frame struct {
		label string
		next  int // the next of edges[label] to follow
	}
	state := map[string]int{}
	for _, sb := range order {
		root := sb.block.Labels[0]
		if state[root] != unvisited {
			continue
		}
		state[root] = visiting
		stack := []frame{{label: root}}
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			deps := edges[top.label]
			if top.next == len(deps) {
				state[top.label] = done
				stack = stack[:len(stack)-1]
				continue
			}
			d := deps[top.next]
			top.next++
			switch state[d.label] {
			case unvisited:
				state[d.label] = visiting
				stack = append(stack, frame{label: d.label})
			case visiting:
				start := slices.IndexFunc(stack, func(f frame) bool { return f.label == d.label })
				cycle := make([]string, 0, len(stack)-start+1)
				for _, f := range stack[start:] {
					cycle = append(cycle, f.label)
				}
				l.errorf(d.rng, "Cyclic depends_on",
					"The server blocks %s depend on each other in a cycle, so none of them can be created first. Remove one of these dependencies.",
					quoteJoin(append(cycle, d.label), " → "))
			}
		}
	}
}

// quoteJoin quotes each of items and joins them with sep.
func quoteJoin(items []string, sep string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = `"` + s + `"`
	}
	return strings.Join(q, sep)
}

// dependencyLabels returns the labels of deps.
func dependencyLabels(deps []dependency) []string {
	if len(deps) == 0 {
		return nil
	}
	out := make([]string, len(deps))
	for i, d := range deps {
		out[i] = d.label
	}
	return out
}
