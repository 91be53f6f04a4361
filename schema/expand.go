package schema

import (
	"math/big"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// maxInstances bounds count and for_each, so a typo cannot ask for
// millions of servers.
const maxInstances = 100000

// expandCount adds one server per count.index in [0, count).
func (l *loader) expandCount(sb *serverBlock, a *hcl.Attribute, names map[string]hcl.Range) {
	val, ok := l.eval(a.Expr, l.ctx, scopeBase)
	if !ok {
		return
	}
	rng := a.Expr.Range()
	if l.unknownOK(val, cty.Number, "count", rng) {
		return
	}
	num, err := l.toNumber(val, rng)
	if err == errReported {
		return
	}
	if err != nil || num.IsNull() {
		l.errorf(rng, "Invalid count argument", "count must be a whole number of servers, not %s.", describe(val))
		return
	}
	bf := num.AsBigFloat()
	if !bf.IsInt() || bf.Sign() < 0 || bf.Cmp(big.NewFloat(maxInstances)) > 0 {
		l.errorf(rng, "Invalid count argument",
			"count must be a whole number from 0 to %d, not %s.", maxInstances, bf.Text('g', 10))
		return
	}
	n, _ := bf.Int64()
	failures := 0
	for i := range n {
		ctx := l.ctx.NewChild()
		ctx.Variables = map[string]cty.Value{
			"count": cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(i)}),
		}
		if l.instantiate(sb, ctx, scopeCount, names) {
			if failures++; failures == maxInstanceErrors {
				return
			}
		}
	}
}

// expandForEach adds one server per element of a map or a set of strings.
func (l *loader) expandForEach(sb *serverBlock, a *hcl.Attribute, names map[string]hcl.Range) {
	val, ok := l.eval(a.Expr, l.ctx, scopeBase)
	if !ok {
		return
	}
	rng := a.Expr.Range()
	ty := val.Type()
	switch {
	case val.IsNull():
		l.errorf(rng, "Invalid for_each argument", "for_each must be a map, or a set of strings, not null.")
		return
	case ty.IsSetType():
		// An empty set of any type (toset([]) is a set of dynamic) means
		// no servers, as it does in Terraform.
		if !ty.ElementType().Equals(cty.String) && val.LengthInt() > 0 {
			l.errorf(rng, "Invalid for_each argument",
				"for_each must be a map, or a set of strings; this is a %s. Convert the elements to strings, for example with toset([for x in ... : tostring(x)]).",
				ty.FriendlyName())
			return
		}
	case ty.IsMapType() || ty.IsObjectType():
	case ty.IsListType() || ty.IsTupleType():
		l.errorf(rng, "Invalid for_each argument",
			"for_each must be a map, or a set of strings, not a %s. Convert the list with toset(...).", ty.FriendlyName())
		return
	default:
		l.errorf(rng, "Invalid for_each argument", "for_each must be a map, or a set of strings, not %s.", describe(val))
		return
	}
	if !val.IsWhollyKnown() {
		l.unknowns++ // the type is right; the elements are not known yet
		return
	}
	if val.LengthInt() > maxInstances {
		l.errorf(rng, "Invalid for_each argument", "for_each has %d elements; at most %d are allowed.", val.LengthInt(), maxInstances)
		return
	}
	failures := 0
	for it := val.ElementIterator(); it.Next(); {
		k, v := it.Element()
		if ty.IsSetType() {
			if v.IsNull() {
				l.errorf(rng, "Invalid for_each argument", "for_each holds a null element; every element must be a string.")
				return
			}
			k = v
		}
		ctx := l.ctx.NewChild()
		ctx.Variables = map[string]cty.Value{
			"each": cty.ObjectVal(map[string]cty.Value{"key": k, "value": v}),
		}
		if l.instantiate(sb, ctx, scopeEach, names) {
			if failures++; failures == maxInstanceErrors {
				return
			}
		}
	}
}
