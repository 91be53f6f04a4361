package schema

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// variable is one declared variable and, once assigned, its value.
type variable struct {
	name        string
	typ         cty.Type // DynamicPseudoType for any
	typDefaults *typeexpr.Defaults
	def         cty.Value // cty.NilVal when there is no default
	defFailed   bool      // the default was given but is not valid
	sensitive   bool
	validations []validation
	declRange   hcl.Range

	value  cty.Value // the value in use (DynamicVal when it failed)
	source string    // where value came from, for messages
}

// validation is one validation block of a variable.
type validation struct {
	condition    hcl.Expression
	errorMessage hcl.Expression
	rng          hcl.Range
}

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type"},
		{Name: "default"},
		{Name: "description"},
		{Name: "sensitive"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "validation"}},
}

var validationSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "condition", Required: true},
		{Name: "error_message", Required: true},
	},
}

// decodeVariables reads the variable blocks.
func (l *loader) decodeVariables(blocks hcl.Blocks) {
	for _, b := range blocks {
		name := b.Labels[0]
		if !hclsyntax.ValidIdentifier(name) {
			l.errorf(b.LabelRanges[0], "Invalid variable name",
				"%q is not a valid variable name: use letters, digits, underscores and hyphens, starting with a letter.", name)
			continue
		}
		if prev := l.vars[name]; prev != nil {
			l.errorf(b.DefRange, "Duplicate variable declaration",
				"A variable named %q was already declared at %s. Remove or rename one of them.", name, rangeString(prev.declRange))
			continue
		}
		v := &variable{name: name, typ: cty.DynamicPseudoType, declRange: b.DefRange, value: cty.DynamicVal}
		l.decodeVariable(v, b)
		l.anySensitive = l.anySensitive || v.sensitive
		l.vars[name] = v
		l.varOrder = append(l.varOrder, name)
	}
}

func (l *loader) decodeVariable(v *variable, b *hcl.Block) {
	content, diags := bodyContent(b.Body, variableSchema)
	l.add(diags)
	if a := content.Attributes["type"]; a != nil {
		ty, defaults, diags := typeexpr.TypeConstraintWithDefaults(a.Expr)
		l.add(diags)
		if !diags.HasErrors() {
			v.typ, v.typDefaults = ty, defaults
		}
	}
	if a := content.Attributes["sensitive"]; a != nil {
		val, diags := l.value(a.Expr, nil)
		l.add(diags)
		if !diags.HasErrors() {
			if val.Type() != cty.Bool || val.IsNull() {
				l.errorf(a.Expr.Range(), "Invalid sensitive value", "sensitive must be true or false, not %s.", describe(val))
			} else {
				v.sensitive = val.True()
			}
		}
	}
	if a := content.Attributes["description"]; a != nil {
		val, diags := l.value(a.Expr, nil)
		l.add(diags)
		if !diags.HasErrors() && (val.Type() != cty.String || val.IsNull()) {
			l.errorf(a.Expr.Range(), "Invalid description", "description must be a string, not %s.", describe(val))
		}
	}
	if a := content.Attributes["default"]; a != nil {
		val, diags := l.value(a.Expr, nil)
		l.add(diags)
		v.defFailed = true
		if !diags.HasErrors() {
			if conv, err := v.convert(val); err != nil {
				l.errorf(a.Expr.Range(), "Invalid default value for variable",
					"The default of variable %q does not fit its type %s: %s.", v.name, typeexpr.TypeString(v.typ), err)
			} else {
				v.def, v.defFailed = conv, false
			}
		}
	}
	for _, vb := range content.Blocks {
		vc, diags := bodyContent(vb.Body, validationSchema)
		l.add(diags)
		if diags.HasErrors() {
			continue
		}
		v.validations = append(v.validations, validation{
			condition:    vc.Attributes["condition"].Expr,
			errorMessage: vc.Attributes["error_message"].Expr,
			rng:          vb.DefRange,
		})
	}
}

// convert converts val to the variable's type, applying optional()
// attribute defaults.
func (v *variable) convert(val cty.Value) (cty.Value, error) {
	if v.typDefaults != nil {
		val = v.typDefaults.Apply(val)
	}
	return convertValue(val, v.typ)
}

// validateVariables checks every variable's validation blocks against its
// value, once all values are known.
func (l *loader) validateVariables() {
	l.refreshContext()
	for _, name := range l.varOrder {
		v := l.vars[name]
		if !v.value.IsWhollyKnown() {
			continue
		}
		for _, val := range v.validations {
			l.checkValidation(v, val)
		}
	}
}

func (l *loader) checkValidation(v *variable, val validation) {
	result, ok := l.eval(val.condition, l.ctx, scopeVariable)
	if !ok {
		return
	}
	result, err := convert.Convert(result, cty.Bool)
	if err != nil || result.IsNull() {
		l.errorf(val.condition.Range(), "Invalid validation condition",
			"The condition must be true or false, not %s.", describe(result))
		return
	}
	if result.True() {
		return
	}
	msg := "The value is not valid."
	if m, ok := l.eval(val.errorMessage, l.ctx, scopeVariable); ok {
		if s, err := convert.Convert(m, cty.String); err == nil && !s.IsNull() {
			msg = s.AsString()
		}
	}
	l.errorf(val.condition.Range(), "Invalid value for variable",
		"%s\n\nVariable %q (set %s) failed the validation rule at %s.", msg, v.name, v.source, rangeString(val.rng))
}
