package schema

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// The parser builds chains of binary operators (a + b + c ...), indexes
// (x[a][b] ...) and splats in loops, so a parse that checkTokens let
// through can still yield a tree deeper than maxNesting, and everything
// that walks or evaluates the tree recurses once per level. checkTree
// therefore measures the parsed tree, itself recursing at most
// maxNesting+1 levels, before anything else walks it.

// checkTree returns an error diagnostic for the first place in body that
// nests deeper than maxNesting, holds a number literal outside
// ±10^1200, or indexes with a string too long to read as a number; or nil.
func checkTree(body hcl.Body) *hcl.Diagnostic {
	b, ok := body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	return checkBody(b, 1)
}

func checkBody(b *hclsyntax.Body, depth int) *hcl.Diagnostic {
	if depth > maxNesting {
		return tooDeep(b.SrcRange)
	}
	for _, a := range b.Attributes {
		if d := checkExpr(a.Expr, depth+1); d != nil {
			return d
		}
	}
	for _, blk := range b.Blocks {
		if d := checkBody(blk.Body, depth+1); d != nil {
			return d
		}
	}
	return nil
}

// checkExpr checks expr, found at depth, and everything below it.
func checkExpr(expr hclsyntax.Expression, depth int) *hcl.Diagnostic {
	if expr == nil {
		return nil
	}
	if depth > maxNesting {
		return tooDeep(expr.StartRange())
	}
	for _, child := range syntaxChildren(expr) {
		if d := checkExpr(child, depth+1); d != nil {
			return d
		}
	}
	switch e := expr.(type) {
	case *hclsyntax.LiteralValueExpr:
		return checkLiteral(e.Val, e.SrcRange)
	case *hclsyntax.ScopeTraversalExpr:
		return checkTraversal(e.Traversal)
	case *hclsyntax.RelativeTraversalExpr:
		return checkTraversal(e.Traversal)
	}
	return nil
}

// syntaxChildren returns the expressions directly below expr (some may be
// nil). An expression type hcl adds later is treated as a leaf.
func syntaxChildren(expr hclsyntax.Expression) []hclsyntax.Expression {
	switch e := expr.(type) {
	case *hclsyntax.RelativeTraversalExpr:
		return []hclsyntax.Expression{e.Source}
	case *hclsyntax.FunctionCallExpr:
		return e.Args
	case *hclsyntax.ConditionalExpr:
		return []hclsyntax.Expression{e.Condition, e.TrueResult, e.FalseResult}
	case *hclsyntax.IndexExpr:
		return []hclsyntax.Expression{e.Collection, e.Key}
	case *hclsyntax.TupleConsExpr:
		return e.Exprs
	case *hclsyntax.ObjectConsExpr:
		out := make([]hclsyntax.Expression, 0, 2*len(e.Items))
		for _, item := range e.Items {
			out = append(out, item.KeyExpr, item.ValueExpr)
		}
		return out
	case *hclsyntax.ObjectConsKeyExpr:
		return []hclsyntax.Expression{e.Wrapped}
	case *hclsyntax.ForExpr:
		return []hclsyntax.Expression{e.CollExpr, e.KeyExpr, e.ValExpr, e.CondExpr}
	case *hclsyntax.SplatExpr:
		return []hclsyntax.Expression{e.Source, e.Each}
	case *hclsyntax.BinaryOpExpr:
		return []hclsyntax.Expression{e.LHS, e.RHS}
	case *hclsyntax.UnaryOpExpr:
		return []hclsyntax.Expression{e.Val}
	case *hclsyntax.TemplateExpr:
		return e.Parts
	case *hclsyntax.TemplateJoinExpr:
		return []hclsyntax.Expression{e.Tuple}
	case *hclsyntax.TemplateWrapExpr:
		return []hclsyntax.Expression{e.Wrapped}
	case *hclsyntax.ParenthesesExpr:
		return []hclsyntax.Expression{e.Expression}
	case *metered:
		return []hclsyntax.Expression{e.Expression}
	}
	return nil
}

// checkLiteral refuses a number literal too large or too small to write
// out in decimal.
func checkLiteral(v cty.Value, rng hcl.Range) *hcl.Diagnostic {
	if v.Type() != cty.Number || v.IsNull() || !v.IsKnown() {
		return nil
	}
	if numberOutOfRange(v) {
		return numberTooLarge(rng)
	}
	return nil
}

// checkTraversal refuses an index step (x["..."]) whose key is a string
// too long to read as a number, as indexing a list would.
func checkTraversal(t hcl.Traversal) *hcl.Diagnostic {
	for _, step := range t {
		idx, ok := step.(hcl.TraverseIndex)
		if !ok || idx.Key.Type() != cty.String || idx.Key.IsNull() || !idx.Key.IsKnown() {
			continue
		}
		if longNumeral(idx.Key.AsString()) {
			return numeralTooLong(idx.SrcRange)
		}
	}
	return nil
}

// numberOutOfRange reports whether the known number v lies outside what
// the fleet language allows (about 1e-1200 to 1e1200, and zero).
func numberOutOfRange(v cty.Value) bool {
	bf := v.AsBigFloat()
	if bf.IsInf() || bf.Sign() == 0 {
		return false
	}
	exp := bf.MantExp(nil)
	return exp > maxNumberExp2 || exp < -maxNumberExp2
}

// longNumeral reports whether reading s as a number would have to scan
// more than maxNumberLen characters of digits (which costs time quadratic
// in their count): s is longer than that, and starts with a sign, digits
// or a point.
func longNumeral(s string) bool {
	if len(s) <= maxNumberLen {
		return false
	}
	for i := 0; i < len(s) && i <= maxNumberLen; i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.':
		case (c == '-' || c == '+') && i == 0:
		default:
			return false
		}
	}
	return true
}

func numberTooLarge(rng hcl.Range) *hcl.Diagnostic {
	return limitDiag("Number out of range", "Numbers must lie between about 1e-1200 and 1e1200 in size (zero aside); writing this one out would take megabytes. Use a smaller number.", rng.Ptr())
}

func numeralTooLong(rng hcl.Range) *hcl.Diagnostic {
	return limitDiag("Number too long", fmt.Sprintf("This string would be read as a number of more than %d digits, which takes too long. Use a shorter number.",
		maxNumberLen), rng.Ptr())
}
