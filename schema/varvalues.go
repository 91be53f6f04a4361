package schema

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/zclconf/go-cty/cty"
)

// envVarPrefix prefixes environment variables that set fleet variables.
const envVarPrefix = "VPSFLEET_VAR_"

// assigned is one value given for a variable from outside the files.
type assigned struct {
	value  cty.Value
	source string     // "-var", "VPSFLEET_VAR_x", "prod.vars.hcl"
	rng    *hcl.Range // where in a variable file, else nil
}

// assignVariables gives every declared variable its value, by precedence:
// -var, then -var-file (later wins within each), then environment, then
// the default. A variable with none of them is an error.
func (l *loader) assignVariables(opts LoadOptions) {
	given := map[string]assigned{}
	l.assignFromEnviron(opts.Environ, given)
	for _, path := range opts.VarFiles {
		l.assignFromVarFile(path, given)
	}
	l.assignFromFlags(opts.Vars, given)

	for _, name := range l.varOrder {
		v := l.vars[name]
		a, ok := given[name]
		if !ok {
			if v.defFailed {
				continue // reported where the default is
			}
			if v.def == cty.NilVal {
				l.errorf(v.declRange, "No value for required variable",
					"Variable %q has no default and no value was given. Set it with -var '%s=VALUE', in a -var-file, with the environment variable %s%s, or give it a default.",
					name, name, envVarPrefix, name)
				continue
			}
			v.value, v.source = v.def, "by its default"
			continue
		}
		conv, err := v.convert(a.value)
		if err != nil {
			d := &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid value for variable",
				Detail: fmt.Sprintf("The value given for variable %q with %s does not fit its type %s: %s. Give a value of that type.",
					name, a.source, typeexpr.TypeString(v.typ), err),
				Subject: a.rng,
			}
			l.diags = append(l.diags, d)
			continue
		}
		v.value, v.source = conv, "with "+a.source
	}
}

func (l *loader) assignFromEnviron(environ []string, given map[string]assigned) {
	for _, kv := range environ {
		k, raw, ok := strings.Cut(kv, "=")
		name, isVar := strings.CutPrefix(k, envVarPrefix)
		if !ok || !isVar {
			continue
		}
		v := l.vars[name]
		if v == nil {
			continue // like other tools: the environment may hold variables for other fleets
		}
		val, ok := l.parseRawValue(raw, v.typ, "the environment variable "+envVarPrefix+name)
		if ok {
			given[name] = assigned{value: val, source: envVarPrefix + name}
		}
	}
}

func (l *loader) assignFromVarFile(path string, given map[string]assigned) {
	f, diags := parseFile(path, l.files)
	l.add(diags)
	if f == nil || diags.HasErrors() {
		return
	}
	attrs, diags := f.Body.JustAttributes()
	l.add(diags)
	for _, a := range sortedAttrs(attrs) {
		if l.vars[a.Name] == nil {
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Value for undeclared variable",
				Detail: fmt.Sprintf("The variable file sets %q, but no variable of that name is declared; the value is ignored.%s",
					a.Name, suggestion(a.Name, l.varOrder)),
				Subject: a.NameRange.Ptr(),
			})
			continue
		}
		val, diags := l.value(a.Expr, nil)
		l.add(diags)
		if diags.HasErrors() {
			continue
		}
		rng := a.Expr.Range()
		given[a.Name] = assigned{value: val, source: path, rng: &rng}
	}
}

func (l *loader) assignFromFlags(flags []string, given map[string]assigned) {
	for _, kv := range flags {
		name, raw, ok := strings.Cut(kv, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			l.diags = append(l.diags, errorDiag("Invalid -var option",
				"The -var option %q is not NAME=VALUE. Write it as -var 'NAME=VALUE'.", kv))
			continue
		}
		v := l.vars[name]
		if v == nil {
			l.diags = append(l.diags, errorDiag("Value for undeclared variable",
				"The option -var '%s=...' sets a variable that no fleet file declares. Declare it with a variable %q block, or remove the option.%s",
				name, name, suggestion(name, l.varOrder)))
			continue
		}
		val, ok := l.parseRawValue(raw, v.typ, "-var "+name)
		if ok {
			given[name] = assigned{value: val, source: "-var " + name}
		}
	}
}

// parseRawValue turns a command-line or environment string into a value
// for a variable of type ty: strings (and "any") take the text as it is;
// other types read it as an HCL literal expression when it is one that
// converts to ty, and otherwise as a string, so the conversion error names
// the type expected. The literal is parsed and evaluated under the limits
// of fleet files: a value over them is reported, naming source, and ok is
// false.
func (l *loader) parseRawValue(raw string, ty cty.Type, source string) (val cty.Value, ok bool) {
	if ty == cty.String || ty == cty.DynamicPseudoType {
		return cty.StringVal(raw), true
	}
	expr, diags := parseExpression([]byte(raw), "<value>")
	if d := firstOverLimit(diags); d != nil {
		l.refuseRawValue(d, source)
		return cty.NilVal, false
	}
	if diags.HasErrors() {
		return cty.StringVal(raw), true
	}
	val, diags = l.value(expr, nil)
	if d := firstOverLimit(diags); d != nil {
		l.refuseRawValue(d, source)
		return cty.NilVal, false
	}
	if diags.HasErrors() || !val.IsWhollyKnown() {
		return cty.StringVal(raw), true
	}
	return val, true
}

// refuseRawValue reports d, a limit the value given with source exceeds;
// the value has no place in a file, so the diagnostic names its source.
func (l *loader) refuseRawValue(d *hcl.Diagnostic, source string) {
	l.diags = append(l.diags, errorDiag(d.Summary, "The value given with %s: %s", source, d.Detail))
}

// sortedAttrs returns attrs in source order.
func sortedAttrs(attrs hcl.Attributes) []*hcl.Attribute {
	out := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, a)
	}
	sortByRange(out, func(a *hcl.Attribute) hcl.Range { return a.Range })
	return out
}
