package schema

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// A meter counts the values evaluation produces, so that one evaluation
// of an expression stops with a diagnostic once it has produced
// maxExprValues values, and a whole Load once it has produced
// maxLoadValues. It counts at the places where evaluation can multiply
// work: each for-expression (and splat) iteration, every value a function
// returns, and every value handed to a function, an operator, a
// conditional or a template (so that a value built by sharing — [local.a,
// local.a] — counts at its full size before anything walks it), plus the
// result of each evaluation. Functions whose result can be far larger
// than their arguments (setproduct, format widths, indent, join, replace,
// split, regexall, distinct) are refused before they build it.
//
// The counting happens in metered nodes that instrument puts into the
// syntax tree of each expression evaluated, and in the wrappers of
// guardFunctions. Once the budget runs out the meter trips: the node that
// tripped it returns the diagnostic, and every metered node evaluated
// afterwards returns an unknown value at once, so the rest of the
// evaluation finishes in time proportional to what was already built.
type meter struct {
	left      int // what the current evaluation may still produce
	loadLeft  int // what the rest of the Load may still produce
	exprLimit int // left when the current evaluation began
	trip      *hcl.Diagnostic
	roots     map[hcl.Expression]bool // expressions already instrumented
}

func newMeter() *meter {
	return &meter{loadLeft: maxLoadValues, roots: map[hcl.Expression]bool{}}
}

// begin starts metering one evaluation.
func (m *meter) begin() {
	m.exprLimit = min(maxExprValues, m.loadLeft)
	m.left = m.exprLimit
	m.trip = nil
}

// end finishes metering one evaluation and charges it to the Load.
func (m *meter) end() {
	m.loadLeft -= m.exprLimit - max(m.left, 0)
}

// charge counts n values produced at rng, and reports whether the budget
// still holds (tripping the meter when it does not).
func (m *meter) charge(n int, rng hcl.Range) bool {
	m.left -= n
	if m.left >= 0 {
		return true
	}
	m.refuse(m.overBudget(rng))
	return false
}

// chargeValue counts v, handed on at rng, at its full size, as values
// read (produced=false) or built (produced=true); numeric says that v is
// about to be read as a number, so that a string too long for that is
// refused.
func (m *meter) chargeValue(v cty.Value, produced, numeric bool, rng hcl.Range) bool {
	s := newMeasurement(m.left, produced, numeric)
	s.walk(v, 1)
	if s.problem != nil {
		m.refuse(s.problem(rng))
		return false
	}
	return m.charge(s.units(), rng)
}

// refuse trips the meter with d, unless it has tripped already.
func (m *meter) refuse(d *hcl.Diagnostic) {
	if m.trip == nil {
		m.trip = d
	}
}

// overBudget is the diagnostic for running out of values at rng.
func (m *meter) overBudget(rng hcl.Range) *hcl.Diagnostic {
	if m.exprLimit < maxExprValues {
		return limitDiag("Fleet produces too many values", fmt.Sprintf("The expressions of the fleet files produce more than %d values in all (for-expression iterations, elements of lists, sets, maps and objects, and every %d bytes of a string count; an expression of a block with count or for_each counts once per instance). Simplify the expressions that run once per instance, or compute shared values once in locals.",
			maxLoadValues, stringUnit), rng.Ptr())
	}
	return limitDiag("Expression produces too many values", fmt.Sprintf("Evaluating this expression produces more than %d values (for-expression iterations, elements of lists, sets, maps and objects, and every %d bytes of a string count). That is almost always a mistake, such as nested for expressions or setproduct over long lists: reduce what it builds.",
		maxExprValues, stringUnit), rng.Ptr())
}

// readCost is how many values read cost as much as one value built:
// walking a value is that much cheaper than making it.
const readCost = 8

// measurement sizes one value, stopping as soon as it passes its limit.
// It counts raw units: one per element and one per stringUnit bytes of
// strings; a value read costs raw/scale values.
type measurement struct {
	raw, rawLimit int
	scale         int
	numeric       bool
	problem       func(hcl.Range) *hcl.Diagnostic // set when v is refused whatever its size
}

// newMeasurement sizes against limit values, built or read.
func newMeasurement(limit int, produced, numeric bool) measurement {
	scale := readCost
	if produced {
		scale = 1
	}
	return measurement{rawLimit: max(limit, 0) * scale, scale: scale, numeric: numeric}
}

// units is what the value measured costs, rounded up.
func (s *measurement) units() int { return (s.raw + s.scale - 1) / s.scale }

// walk adds v, found at depth, and its elements; it returns false once
// the walk can stop.
func (s *measurement) walk(v cty.Value, depth int) bool {
	if depth > maxNesting {
		s.problem = valueTooDeep
		return false
	}
	s.raw++
	if s.raw > s.rawLimit {
		return false
	}
	v, _ = v.Unmark()
	if !v.IsKnown() || v.IsNull() {
		return true
	}
	switch ty := v.Type(); {
	case ty == cty.String:
		str := v.AsString()
		s.raw += len(str) / stringUnit
		if s.numeric && longNumeral(str) {
			s.problem = numeralTooLong
			return false
		}
	case ty == cty.Number:
		if numberOutOfRange(v) {
			s.problem = numberTooLarge
			return false
		}
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		for _, e := range v.AsValueSlice() {
			if !s.walk(e, depth+1) {
				return false
			}
		}
	case ty.IsObjectType():
		for name := range ty.AttributeTypes() {
			if !s.walk(v.GetAttr(name), depth+1) {
				return false
			}
		}
	case ty.IsMapType():
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if !s.walk(e, depth+1) {
				return false
			}
		}
	}
	return s.raw <= s.rawLimit
}

func valueTooDeep(rng hcl.Range) *hcl.Diagnostic {
	return limitDiag("Value nested too deeply", fmt.Sprintf("This value nests lists, sets, maps or objects more than %d levels deep. No fleet needs that: flatten the structure.",
		maxNesting), rng.Ptr())
}

// metered wraps a node of an expression's syntax tree so that evaluating
// it is counted. It embeds a ParenthesesExpr around the node, so that
// hcl's walks (Variables, and with it every reference check) still see
// the node itself as a child.
type metered struct {
	hclsyntax.ParenthesesExpr
	meter *meter
	// tick counts one value per evaluation without measuring the result
	// (a for-expression body: its result is counted where it is used).
	tick bool
	// built counts the result as values built (a template part, copied
	// into the template's string) rather than read.
	built bool
	// numeric says the result is read as a number.
	numeric bool
}

// Value evaluates the node unless the meter has tripped, then counts it.
func (e *metered) Value(ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	m := e.meter
	if m.trip != nil {
		return cty.DynamicVal, nil
	}
	v, diags := e.Expression.Value(ctx)
	if m.trip != nil {
		return cty.DynamicVal, diags // tripped inside; reported there
	}
	ok := false
	if e.tick {
		ok = m.charge(1, e.SrcRange)
	} else {
		ok = m.chargeValue(v, e.built, e.numeric, e.SrcRange)
	}
	if !ok {
		return cty.DynamicVal, append(diags, m.trip)
	}
	return v, diags
}

// UnwrapExpression returns the node metered, for hcl's static analysis
// (hcl.ExprList, hcl.ExprAsKeyword and the like).
func (e *metered) UnwrapExpression() hcl.Expression { return e.Expression }

// instrument puts metered nodes into expr's syntax tree, once per
// expression. The tree has passed checkTree, so the walk is shallow.
func (m *meter) instrument(expr hcl.Expression) {
	e, ok := expr.(hclsyntax.Expression)
	if !ok || m.roots[expr] {
		return
	}
	m.roots[expr] = true
	m.instrumentChildren(e)
}

// wrap instruments child and returns it metered. Literals are not
// metered (their size is the source's) unless read as numbers.
func (m *meter) wrap(child hclsyntax.Expression, tick, numeric bool) hclsyntax.Expression {
	if child == nil {
		return nil
	}
	if _, done := child.(*metered); done {
		return child
	}
	m.instrumentChildren(child)
	if _, literal := child.(*hclsyntax.LiteralValueExpr); literal && !tick && !numeric {
		return child
	}
	return &metered{
		ParenthesesExpr: hclsyntax.ParenthesesExpr{Expression: child, SrcRange: child.Range()},
		meter:           m,
		tick:            tick,
		numeric:         numeric,
	}
}

// descend instruments child without metering it.
func (m *meter) descend(child hclsyntax.Expression) hclsyntax.Expression {
	if child != nil {
		m.instrumentChildren(child)
	}
	return child
}

// instrumentChildren meters the children of e that evaluation can
// multiply, and instruments the rest.
func (m *meter) instrumentChildren(e hclsyntax.Expression) {
	switch e := e.(type) {
	case *hclsyntax.RelativeTraversalExpr:
		e.Source = m.descend(e.Source)
	case *hclsyntax.FunctionCallExpr:
		for i, arg := range e.Args {
			e.Args[i] = m.wrap(arg, false, numericArgument(e.Name, i))
		}
	case *hclsyntax.ConditionalExpr:
		e.Condition = m.wrap(e.Condition, false, false)
		e.TrueResult = m.wrap(e.TrueResult, false, false)
		e.FalseResult = m.wrap(e.FalseResult, false, false)
	case *hclsyntax.IndexExpr:
		e.Collection = m.descend(e.Collection)
		e.Key = m.wrap(e.Key, false, true)
	case *hclsyntax.TupleConsExpr:
		for i, x := range e.Exprs {
			e.Exprs[i] = m.descend(x)
		}
	case *hclsyntax.ObjectConsExpr:
		for i := range e.Items {
			e.Items[i].KeyExpr = m.descend(e.Items[i].KeyExpr)
			e.Items[i].ValueExpr = m.descend(e.Items[i].ValueExpr)
		}
	case *hclsyntax.ObjectConsKeyExpr:
		e.Wrapped = m.descend(e.Wrapped)
	case *hclsyntax.ForExpr:
		e.CollExpr = m.descend(e.CollExpr)
		e.KeyExpr = m.wrap(e.KeyExpr, true, false)
		e.ValExpr = m.wrap(e.ValExpr, true, false)
		e.CondExpr = m.wrap(e.CondExpr, true, false)
	case *hclsyntax.SplatExpr:
		e.Source = m.descend(e.Source)
		e.Each = m.wrap(e.Each, true, false)
	case *hclsyntax.BinaryOpExpr:
		numeric := e.Op.Impl.Params()[0].Type == cty.Number
		e.LHS = m.wrap(e.LHS, false, numeric)
		e.RHS = m.wrap(e.RHS, false, numeric)
	case *hclsyntax.UnaryOpExpr:
		e.Val = m.wrap(e.Val, false, e.Op.Impl.Params()[0].Type == cty.Number)
	case *hclsyntax.TemplateExpr:
		for i, part := range e.Parts {
			if w := m.wrap(part, false, false); w != part {
				w.(*metered).built = true
				e.Parts[i] = w
			}
		}
	case *hclsyntax.TemplateJoinExpr:
		e.Tuple = m.descend(e.Tuple)
	case *hclsyntax.TemplateWrapExpr:
		e.Wrapped = m.descend(e.Wrapped)
	case *hclsyntax.ParenthesesExpr:
		e.Expression = m.descend(e.Expression)
	}
}
