package schema

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// decodeLocals reads every locals block and evaluates the values in
// dependency order, so a local may use others declared anywhere. A
// circular reference is reported once per cycle.
func (l *loader) decodeLocals(blocks hcl.Blocks) {
	defs := map[string]*hcl.Attribute{}
	for _, b := range blocks {
		attrs, diags := b.Body.JustAttributes()
		l.add(diags)
		for _, a := range sortedAttrs(attrs) {
			if prev := defs[a.Name]; prev != nil {
				l.errorf(a.NameRange, "Duplicate local value",
					"A local value named %q was already defined at %s. Remove or rename one of them.", a.Name, rangeString(prev.NameRange))
				continue
			}
			defs[a.Name] = a
		}
	}
	// Every name is declared up front (unknown until evaluated), so
	// references can be checked before the values exist.
	for name := range defs {
		l.locals[name] = cty.DynamicVal
	}
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(name string)
	visit = func(name string) {
		switch state[name] {
		case done:
			return
		case visiting:
			start := 0
			for i, n := range stack {
				if n == name {
					start = i
				}
			}
			cycle := append(append([]string{}, stack[start:]...), name)
			a := defs[name]
			l.errorf(a.NameRange, "Circular reference between local values",
				"The local values %s refer to each other in a cycle, so none can be worked out. Break the cycle by giving one of them a value that does not depend on the others.",
				"local."+strings.Join(cycle, " → local."))
			for _, n := range cycle {
				state[n] = done
			}
			return
		}
		a := defs[name]
		if len(stack) >= maxNesting {
			// Evaluating in dependency order recurses once per step.
			l.errorf(a.NameRange, "Local values nested too deeply",
				"local.%s is the end of a chain of more than %d local values that each refer to the next. No fleet needs such a chain: make it shorter.",
				name, maxNesting)
			state[name] = done
			return
		}
		state[name] = visiting
		stack = append(stack, name)
		deps := localDeps(a.Expr)
		for _, dep := range deps {
			if defs[dep] != nil {
				visit(dep)
			}
		}
		stack = stack[:len(stack)-1]
		if state[name] == done {
			return // part of a reported cycle
		}
		state[name] = done
		if val, ok := l.eval(a.Expr, l.localContext(deps), scopeBase); ok {
			l.locals[name] = val
		}
	}
	names := make([]*hcl.Attribute, 0, len(defs))
	for _, a := range defs {
		names = append(names, a)
	}
	sortByRange(names, func(a *hcl.Attribute) hcl.Range { return a.Range })
	for _, a := range names {
		visit(a.Name)
	}
	l.refreshContext()
}

// localContext is the base context with only the locals deps (those of
// them that exist), so that evaluating each of n locals costs what it
// refers to, not n.
func (l *loader) localContext(deps []string) *hcl.EvalContext {
	vals := make(map[string]cty.Value, len(deps))
	for _, dep := range deps {
		if v, ok := l.locals[dep]; ok {
			vals[dep] = v
		}
	}
	ctx := *l.ctx
	ctx.Variables = map[string]cty.Value{"var": l.ctx.Variables["var"], "local": cty.ObjectVal(vals)}
	return &ctx
}

// localDeps returns the names of the locals expr refers to.
func localDeps(expr hcl.Expression) []string {
	var deps []string
	for _, t := range expr.Variables() {
		if t.RootName() != "local" || len(t) < 2 {
			continue
		}
		if a, ok := t[1].(hcl.TraverseAttr); ok {
			deps = append(deps, a.Name)
		}
	}
	return deps
}
