package schema

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// loader holds the state of one Load.
type loader struct {
	files map[string]*hcl.File
	diags hcl.Diagnostics
	fleet *Fleet
	meter *meter // bounds what evaluation may produce

	vars     map[string]*variable // declared variables by name
	varOrder []string             // declaration order
	// anySensitive is set once a sensitive variable is declared.
	anySensitive bool
	locals       map[string]cty.Value // evaluated locals (DynamicVal if failed)
	ctx          *hcl.EvalContext     // var.*, local.* and the functions
	defaults     DesiredServer        // what the defaults block sets
	defaultsSet  map[string]bool      // attributes the defaults block names
	// defaultsFailed are the defaults attributes whose value was refused
	// (and reported), so servers relying on them are not reported again.
	defaultsFailed map[string]bool
}

func newLoader() *loader {
	m := newMeter()
	return &loader{
		files:          map[string]*hcl.File{},
		fleet:          &Fleet{},
		meter:          m,
		vars:           map[string]*variable{},
		locals:         map[string]cty.Value{},
		defaultsSet:    map[string]bool{},
		defaultsFailed: map[string]bool{},
		ctx:            &hcl.EvalContext{Functions: guardFunctions(m)},
	}
}

// errorf records an error diagnostic at subject.
func (l *loader) errorf(subject hcl.Range, summary, detailFormat string, args ...any) {
	l.diags = append(l.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(detailFormat, args...),
		Subject:  subject.Ptr(),
	})
}

// errorDiag is an error diagnostic with no place in a fleet file, for
// problems with the file system or the command line.
func errorDiag(summary, detailFormat string, args ...any) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: fmt.Sprintf(detailFormat, args...)}
}

// add records diags.
func (l *loader) add(diags hcl.Diagnostics) { l.diags = append(l.diags, diags...) }

// refreshContext rebuilds the var and local objects of the base context.
func (l *loader) refreshContext() {
	vals := make(map[string]cty.Value, len(l.vars))
	for name, v := range l.vars {
		vals[name] = v.value
	}
	l.ctx.Variables = map[string]cty.Value{
		"var":   cty.ObjectVal(vals),
		"local": cty.ObjectVal(l.locals),
	}
}

// finish redacts sensitive values and drops repeated diagnostics (a block
// expanded many times reports one problem once).
func (l *loader) finish() hcl.Diagnostics {
	type key struct {
		sev             hcl.DiagnosticSeverity
		summary, detail string
		rng             hcl.Range
	}
	seen := map[key]bool{}
	var out hcl.Diagnostics
	for _, d := range l.diags {
		k := key{sev: d.Severity, summary: d.Summary, detail: d.Detail}
		if d.Subject != nil {
			k.rng = *d.Subject
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		if d.Expression != nil && l.mentionsSensitive(d.Expression) {
			d.Expression, d.EvalContext = nil, nil
		}
		out = append(out, d)
	}
	return out
}

// shown quotes str, a value expr evaluated to, for a diagnostic's detail;
// when expr may carry a sensitive variable it names the value instead of
// showing it.
func (l *loader) shown(expr hcl.Expression, str string) string {
	if l.mentionsSensitive(expr) {
		return "the value (derived from a sensitive variable, so not shown)"
	}
	return fmt.Sprintf("%q", str)
}

// sentence capitalises the first letter of s, to start a sentence with it.
func sentence(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// mentionsSensitive reports whether expr refers to a sensitive variable or
// to any local (which may carry one).
func (l *loader) mentionsSensitive(expr hcl.Expression) bool {
	if !l.anySensitive {
		return false
	}
	for _, t := range expr.Variables() {
		switch t.RootName() {
		case "local", "each":
			return true
		case "var":
			if len(t) > 1 {
				if a, ok := t[1].(hcl.TraverseAttr); ok {
					if v := l.vars[a.Name]; v == nil || v.sensitive {
						return true
					}
				}
			}
		}
	}
	return false
}
