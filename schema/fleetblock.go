package schema

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

var fleetBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "owns"}, {Name: "protect"}},
}

// decodeFleetBlock reads the fleet block (at most one across the files).
func (l *loader) decodeFleetBlock(blocks hcl.Blocks) {
	if len(blocks) == 0 {
		return
	}
	content, diags := bodyContent(blocks[0].Body, fleetBlockSchema)
	l.add(diags)
	if a := content.Attributes["owns"]; a != nil {
		l.fleet.Owns = l.patterns(a)
	}
	if a := content.Attributes["protect"]; a != nil {
		l.fleet.Protect = l.patterns(a)
	}
	l.refuseDuplicates(blocks,
		"Only one fleet block is allowed across the fleet files; another was defined at %s. Merge their owns and protect lists into one.")
}

// refuseDuplicates reports every block after the first of blocks as a
// duplicate of it. detail states the rule and the fix; its %s is where
// the first block was defined.
func (l *loader) refuseDuplicates(blocks hcl.Blocks, detail string) {
	for _, b := range blocks[min(1, len(blocks)):] {
		l.errorf(b.DefRange, "Duplicate "+b.Type+" block", detail, rangeString(blocks[0].DefRange))
	}
}

// patterns decodes a list of glob patterns, checking each one.
func (l *loader) patterns(a *hcl.Attribute) GlobSet {
	val, ok := l.eval(a.Expr, l.ctx, scopeBase)
	if !ok || val.IsNull() {
		return nil
	}
	list, err := convert.Convert(val, cty.List(cty.String))
	if err != nil {
		l.errorf(a.Expr.Range(), "Incorrect attribute value type",
			"%s must be a list of name patterns such as [\"web-*\"], not %s.", a.Name, describe(val))
		return nil
	}
	if !list.IsKnown() {
		return nil
	}
	elems, _ := hcl.ExprList(a.Expr)
	var out []string
	for i, v := range list.AsValueSlice() {
		rng := a.Expr.Range()
		if len(elems) == list.LengthInt() {
			rng = elems[i].Range()
		}
		if !v.IsKnown() {
			continue
		}
		if v.IsNull() {
			l.errorf(rng, "Invalid name pattern", "A pattern in %s is null; remove it or give a pattern such as \"web-*\".", a.Name)
			continue
		}
		p := v.AsString()
		if err := CheckGlob(p); err != nil {
			l.errorf(rng, "Invalid name pattern",
				"The pattern %q in %s is malformed: %s. Patterns use * (any run of characters), ? (one character) and [a-z] (one of a set).",
				p, a.Name, err)
			continue
		}
		out = append(out, p)
	}
	return out
}

// defaultsSchema lists what a defaults block may set.
var defaultsSchema = &hcl.BodySchema{
	Attributes: attributeSchemas(),
	Blocks:     []hcl.BlockHeaderSchema{{Type: "rollout"}},
}

// decodeDefaults reads the defaults block (at most one across the files).
func (l *loader) decodeDefaults(blocks hcl.Blocks) {
	l.defaults = DesiredServer{Power: PowerOn}
	if len(blocks) == 0 {
		return
	}
	content, diags := bodyContent(blocks[0].Body, defaultsSchema)
	l.add(diags)
	before := l.unknowns
	for _, a := range sortedAttrs(content.Attributes) {
		l.defaultsSet[a.Name] = true
		val, ok := l.eval(a.Expr, l.ctx, scopeBase)
		if !ok || !l.setAttribute(&l.defaults, a.Name, val, a.Expr) {
			l.defaultsFailed[a.Name] = true
		}
	}
	l.defaults.Rollout = l.decodeRollout(content.Blocks, "defaults block")
	l.defaultsUnknown = l.unknowns > before
	l.refuseDuplicates(blocks,
		"Only one defaults block is allowed across the fleet files; another was defined at %s. Merge them into one.")
}
