package schema

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// scope says which names an expression may refer to.
type scope int

const (
	scopeVariable scope = iota // var.* only (variable validations)
	scopeBase                  // var.*, local.*
	scopeCount                 // ... and count.index
	scopeEach                  // ... and each.key, each.value
)

// checkRefs reports, as diagnostics, every reference in expr that names
// nothing in sc; it returns whether all references are sound.
func (l *loader) checkRefs(expr hcl.Expression, sc scope) bool {
	if isLiteral(expr) {
		return true
	}
	ok := true
	for _, t := range expr.Variables() {
		if !l.checkRef(t, sc) {
			ok = false
		}
	}
	return ok
}

func (l *loader) checkRef(t hcl.Traversal, sc scope) bool {
	rng := t.SourceRange()
	root := t.RootName()
	attr := ""
	if len(t) > 1 {
		if a, ok := t[1].(hcl.TraverseAttr); ok {
			attr = a.Name
		}
	}
	switch root {
	case "var":
		if attr == "" {
			l.errorf(rng, "Invalid reference", "A variable is referred to as var.NAME; add the variable's name after var.")
			return false
		}
		if l.vars[attr] == nil {
			l.errorf(rng, "Reference to undeclared input variable",
				"No variable named %q is declared. Declare it with a variable %q block.%s", attr, attr, suggestion(attr, l.varOrder))
			return false
		}
	case "local":
		if sc == scopeVariable {
			l.errorf(rng, "Invalid reference in variable validation", "A variable's validation may only refer to variables (var.NAME), not to locals.")
			return false
		}
		if attr == "" {
			l.errorf(rng, "Invalid reference", "A local value is referred to as local.NAME; add its name after local.")
			return false
		}
		if _, declared := l.locals[attr]; !declared {
			l.errorf(rng, "Reference to undeclared local value",
				"No local value named %q is declared in a locals block.%s", attr, suggestion(attr, sortedKeys(l.locals)))
			return false
		}
	case "count":
		if sc != scopeCount {
			l.errorf(rng, "Reference to \"count\" in non-counted context",
				"count.index is only available in the name and attributes of a server block that sets count, not in count itself, a lifecycle block, locals, defaults or moved blocks. Use a literal or a variable there.")
			return false
		}
		if attr != "index" {
			l.errorf(rng, "Invalid count reference", "The only attribute of count is count.index, the instance's number from 0.")
			return false
		}
	case "each":
		if sc != scopeEach {
			l.errorf(rng, "Reference to \"each\" in context without for_each",
				"each.key and each.value are only available in the name and attributes of a server block that sets for_each, not in for_each itself, a lifecycle block, locals, defaults or moved blocks. Use a literal or a variable there.")
			return false
		}
		if attr != "key" && attr != "value" {
			l.errorf(rng, "Invalid each reference", "each has two attributes: each.key and each.value.")
			return false
		}
	default:
		roots := []string{"var", "local", "count", "each"}
		l.errorf(rng, "Unknown variable",
			"There is no variable named %q. Values are referred to as var.NAME, local.NAME, count.index (with count) or each.key and each.value (with for_each); a plain string needs quotes.%s",
			root, suggestion(root, roots))
		return false
	}
	return true
}

// eval checks expr's references against sc and evaluates it in ctx. It
// returns ok=false, having recorded why, when the value cannot be used.
func (l *loader) eval(expr hcl.Expression, ctx *hcl.EvalContext, sc scope) (cty.Value, bool) {
	if !l.checkRefs(expr, sc) {
		return cty.DynamicVal, false
	}
	val, diags := l.value(expr, ctx)
	l.add(diags)
	if diags.HasErrors() {
		return cty.DynamicVal, false
	}
	if !val.IsWhollyKnown() {
		// Only a value that already failed (and was reported) is unknown.
		if !l.diags.HasErrors() {
			l.errorf(expr.Range(), "Value not known", "This value could not be worked out from the fleet files; give it a literal value.")
		}
		return cty.DynamicVal, false
	}
	return val, true
}

// value evaluates expr in ctx (nil: no variables or functions) under the
// loader's meter, so that it cannot produce more than maxExprValues
// values; every evaluation of the loader goes through it. The result is
// counted too, at its full size, since it is kept or decoded next.
func (l *loader) value(expr hcl.Expression, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	m := l.meter
	m.instrument(expr)
	m.begin()
	defer m.end()
	val, diags := expr.Value(ctx)
	if m.trip == nil && !diags.HasErrors() {
		m.chargeValue(val, false, false, expr.Range())
	}
	if m.trip == nil {
		return val, diags
	}
	if !diags.HasErrors() {
		// The diagnostic was swallowed (by try or can): report it here.
		d := *m.trip
		if d.Subject == nil {
			d.Subject = expr.Range().Ptr()
		}
		diags = append(diags, &d)
	}
	return cty.DynamicVal, diags
}

// isLiteral reports whether expr is a constant (a literal, or a quoted
// string without interpolation), which refers to nothing.
func isLiteral(expr hcl.Expression) bool {
	switch e := expr.(type) {
	case *hclsyntax.LiteralValueExpr:
		return true
	case *hclsyntax.TemplateExpr:
		for _, p := range e.Parts {
			if _, ok := p.(*hclsyntax.LiteralValueExpr); !ok {
				return false
			}
		}
		return true
	}
	return false
}

// describe names a value's type for messages.
func describe(v cty.Value) string {
	if v.IsNull() {
		return "null"
	}
	return v.Type().FriendlyName()
}

func sortedKeys[K ~string, V any](m map[K]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	return keys
}

// rangeString formats a range as file:line,col-col like hcl does.
func rangeString(r hcl.Range) string { return fmt.Sprint(r) }
