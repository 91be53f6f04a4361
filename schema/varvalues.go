package schema

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/zclconf/go-cty/cty"
)

// envVarPrefix prefixes environment variables that set fleet variables.
const envVarPrefix = "VPSFLEET_VAR_"

// assigned is one value given for a variable from outside the files.
type assigned struct {
	value cty.Value
	// source says where it was given, for messages: "-var x=...", "the
	// environment variable VPSFLEET_VAR_x", "prod.vars.hcl:3:5".
	source string
	rng    *hcl.Range // where in a variable file, else nil
}

// assignVariables gives every declared variable its value: the last of
// the default, the environment, the *.auto.vars.hcl files, the -var-file
// and -var options (see LoadOptions) that sets it. A variable with none
// of them is an error, or in validate mode an unknown value of its type.
func (l *loader) assignVariables(opts LoadOptions) {
	given := map[string]assigned{}
	l.assignFromEnviron(opts.Environ, given)
	for _, path := range opts.autoVarFiles {
		l.assignFromVarFile(path, false, given)
	}
	for _, path := range opts.VarFiles {
		l.assignFromVarFile(path, true, given)
	}
	l.assignFromFlags(opts.Vars, given)
	for _, o := range opts.Options {
		if o.File {
			l.assignFromVarFile(o.Value, true, given)
		} else {
			l.assignFromFlags([]string{o.Value}, given)
		}
	}

	for _, name := range l.varOrder {
		v := l.vars[name]
		if v.broken {
			continue
		}
		a, ok := given[name]
		if !ok {
			if v.defFailed {
				continue // reported where the default is
			}
			if v.def == cty.NilVal && l.validate {
				v.value, v.source = cty.UnknownVal(v.typ), "without a value (validate)"
				continue
			}
			if v.def == cty.NilVal {
				l.errorf(v.declRange, "No value for required variable",
					"Variable %q has no default and no value was given. Set it with -var '%s=VALUE', in a -var-file, in a *.auto.vars.hcl file beside the fleet (read automatically%s), with the environment variable %s%s, or give it a default.",
					name, name, autoFilesRead(opts.autoVarFiles), envVarPrefix, name)
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

// autoFilesRead names the *.auto.vars.hcl files read, for the "no value"
// error: "; none was found" or "; read: a.auto.vars.hcl, b.auto.vars.hcl".
func autoFilesRead(names []string) string {
	if len(names) == 0 {
		return "; none was found"
	}
	base := make([]string, len(names))
	for i, n := range names {
		base[i] = filepath.Base(n)
	}
	return "; read: " + strings.Join(base, ", ")
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
		source := "the environment variable " + envVarPrefix + name
		if val, ok := l.parseRawValue(raw, v.typ, source); ok {
			given[name] = assigned{value: val, source: source}
		}
	}
}

// assignFromVarFile reads the variable file path, named by a -var-file
// option (flag) or found beside the fleet (a *.auto.vars.hcl file).
func (l *loader) assignFromVarFile(path string, flag bool, given map[string]assigned) {
	f, diags := l.parseFile(path)
	if f == nil {
		// Not read: say which option or file it was.
		for _, d := range diags {
			if flag {
				d.Detail = "The option -var-file " + path + " names a file that cannot be read: " + d.Detail
			} else {
				d.Detail = "The variable file " + path + " (read because it ends in " + autoVarFileSuffix + ") cannot be read: " + d.Detail
			}
		}
	}
	l.add(diags)
	if f == nil || diags.HasErrors() {
		return
	}
	attrs, diags := f.Body.JustAttributes()
	l.add(diags)
	for _, a := range sortedAttrs(attrs) {
		if l.vars[a.Name] == nil && l.mayBeDeclaredInBrokenFile("var") {
			continue
		}
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
		given[a.Name] = assigned{value: val, source: fmt.Sprintf("%s:%d:%d", path, rng.Start.Line, rng.Start.Column), rng: &rng}
	}
}

func (l *loader) assignFromFlags(flags []string, given map[string]assigned) {
	for _, kv := range flags {
		name, raw, ok := strings.Cut(kv, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			shown := kv // no "=": there is no value to keep to ourselves
			if ok {
				shown = name + "=..."
			}
			l.diags = append(l.diags, errorDiag("Invalid -var option",
				"The option -var %q is not NAME=VALUE. Write it as -var 'NAME=VALUE'.", shown))
			continue
		}
		v := l.vars[name]
		if v == nil && l.mayBeDeclaredInBrokenFile("var") {
			continue
		}
		if v == nil {
			l.diags = append(l.diags, errorDiag("Value for undeclared variable",
				"The option -var '%s=...' sets a variable that no fleet file declares. Declare it with a variable %q block, or remove the option.%s",
				name, name, suggestion(name, l.varOrder)))
			continue
		}
		source := "-var " + name + "=..."
		if val, ok := l.parseRawValue(raw, v.typ, source); ok {
			given[name] = assigned{value: val, source: source}
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
