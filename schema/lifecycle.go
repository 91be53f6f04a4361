package schema

import (
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

var lifecycleSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "prevent_destroy"}, {Name: "create_before_destroy"}, {Name: "ignore_changes"},
	},
}

// decodeLifecycle reads a server block's lifecycle block (at most one).
func (l *loader) decodeLifecycle(blocks hcl.Blocks) Lifecycle {
	var lc Lifecycle
	if len(blocks) == 0 {
		return lc
	}
	content, diags := bodyContent(blocks[0].Body, lifecycleSchema)
	l.add(diags)
	if a := content.Attributes["prevent_destroy"]; a != nil {
		lc.PreventDestroy = l.boolValue(a)
	}
	if a := content.Attributes["create_before_destroy"]; a != nil {
		lc.CreateBeforeDestroy = l.boolValue(a)
	}
	if a := content.Attributes["ignore_changes"]; a != nil {
		lc.IgnoreChanges = l.ignoreChanges(a)
	}
	l.refuseDuplicates(blocks, "A server block may hold one lifecycle block; another was defined at %s. Merge them.")
	return lc
}

func (l *loader) boolValue(a *hcl.Attribute) bool {
	val, ok := l.eval(a.Expr, l.ctx, scopeBase)
	if !ok {
		return false
	}
	if l.unknownOK(val, cty.Bool, a.Name, a.Expr.Range()) {
		return false
	}
	b, err := convert.Convert(val, cty.Bool)
	if err != nil || b.IsNull() {
		l.errorf(a.Expr.Range(), "Incorrect attribute value type", "%s must be true or false, not %s.", a.Name, describe(val))
		return false
	}
	return b.True()
}

// ignoreChanges decodes ignore_changes: a list of attribute names, written
// as strings (["hostname"]) or bare words ([hostname]), or the word all.
func (l *loader) ignoreChanges(a *hcl.Attribute) []Attribute {
	if hcl.ExprAsKeyword(a.Expr) == "all" {
		return append([]Attribute(nil), IgnorableAttributes...)
	}
	elems, diags := hcl.ExprList(a.Expr)
	if diags.HasErrors() {
		l.errorf(a.Expr.Range(), "Invalid ignore_changes",
			"ignore_changes must be a list of attribute names, such as [\"hostname\"], or all.")
		return nil
	}
	var out []Attribute
	for _, e := range elems {
		name := hcl.ExprAsKeyword(e)
		if name == "" {
			val, ok := l.eval(e, l.ctx, scopeBase)
			if !ok || l.unknownOK(val, cty.String, "Each entry of ignore_changes", e.Range()) {
				continue
			}
			s, err := convert.Convert(val, cty.String)
			if err != nil || s.IsNull() {
				l.errorf(e.Range(), "Invalid ignore_changes", "Each entry of ignore_changes must name an attribute, not %s.", describe(val))
				continue
			}
			name = s.AsString()
		}
		if !slices.Contains(IgnorableAttributes, Attribute(name)) {
			l.errorf(e.Range(), "Invalid ignore_changes",
				"%q is not an attribute whose changes can be ignored. Use hostname, backups_enabled, plan_id, os_id, location or power.%s",
				name, suggestion(name, attributeNames(IgnorableAttributes)))
			continue
		}
		if !slices.Contains(out, Attribute(name)) {
			out = append(out, Attribute(name))
		}
	}
	return out
}
