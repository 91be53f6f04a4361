package schema

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// varFleet is a fleet whose only server's location is jsonencode(var.v), so
// a test can read the variable's value back.
func varFleet(decl string) string {
	return decl + `
server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = jsonencode(var.v)
}
`
}

// loadVar loads varFleet(decl) with opts, after writing varFiles (name →
// source) next to it; a var-file name in opts.VarFiles is relative to that
// directory.
func loadVar(t *testing.T, decl string, varFiles map[string]string, opts LoadOptions) (string, hcl.Diagnostics) {
	t.Helper()
	files := map[string]string{"fleet.hcl": varFleet(decl)}
	for name, src := range varFiles {
		files[name] = src
	}
	dir := writeFleet(t, files)
	for i, f := range opts.VarFiles {
		opts.VarFiles[i] = filepath.Join(dir, f)
	}
	f, diags := Load(filepath.Join(dir, "fleet.hcl"), opts)
	if f == nil {
		return "", diags
	}
	return f.Servers[0].Location, diags
}

func TestVariablePrecedence(t *testing.T) {
	const decl = `variable "v" {
  type    = string
  default = "default"
}`
	files := map[string]string{"a.vars.hcl": `v = "file-a"`, "b.vars.hcl": `v = "file-b"`}
	cases := []struct {
		name string
		opts LoadOptions
		want string
	}{
		{"default only", LoadOptions{}, `"default"`},
		{"environment beats default", LoadOptions{Environ: []string{"VPSFLEET_VAR_v=env"}}, `"env"`},
		{"file beats environment", LoadOptions{Environ: []string{"VPSFLEET_VAR_v=env"}, VarFiles: []string{"a.vars.hcl"}}, `"file-a"`},
		{"later file wins", LoadOptions{VarFiles: []string{"a.vars.hcl", "b.vars.hcl"}}, `"file-b"`},
		{"flag beats file and environment", LoadOptions{Environ: []string{"VPSFLEET_VAR_v=env"}, VarFiles: []string{"b.vars.hcl"}, Vars: []string{"v=flag"}}, `"flag"`},
		{"later flag wins", LoadOptions{Vars: []string{"v=one", "v=two"}}, `"two"`},
		{"flag value keeps = signs", LoadOptions{Vars: []string{"v=a=b"}}, `"a=b"`},
		{"other environment entries ignored", LoadOptions{Environ: []string{"VPSFLEET_VAR_other=x", "PATH=/bin", "VPSFLEET_VAR_v"}}, `"default"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, diags := loadVar(t, decl, files, c.opts)
			if diags.HasErrors() {
				t.Fatalf("unexpected diagnostics: %s", diags.Error())
			}
			if got != c.want {
				t.Errorf("value = %s, want %s", got, c.want)
			}
		})
	}
}

func TestVariableTypes(t *testing.T) {
	cases := []struct {
		name string
		typ  string
		raw  string
		want string
	}{
		{"string keeps text as is", "string", `"quoted"`, `"\"quoted\""`},
		{"string from digits", "string", "5", `"5"`},
		{"number", "number", "3", `3`},
		{"bool", "bool", "true", `true`},
		{"list of strings", "list(string)", `["a", "b"]`, `["a","b"]`},
		{"list converts numbers", "list(string)", `[1, 2]`, `["1","2"]`},
		{"set sorts", "set(string)", `["b", "a", "b"]`, `["a","b"]`},
		{"map", "map(number)", `{ a = 1, b = 2 }`, `{"a":1,"b":2}`},
		{"object", "object({ n = number, s = string })", `{ n = 1, s = "x" }`, `{"n":1,"s":"x"}`},
		{"optional attribute default", "object({ n = optional(number, 7) })", `{}`, `{"n":7}`},
		{"any takes a string", "any", `[1]`, `"[1]"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			decl := `variable "v" { type = ` + c.typ + ` }`
			for _, src := range []struct {
				kind string
				opts LoadOptions
			}{
				{"-var", LoadOptions{Vars: []string{"v=" + c.raw}}},
				{"environment", LoadOptions{Environ: []string{"VPSFLEET_VAR_v=" + c.raw}}},
			} {
				got, diags := loadVar(t, decl, nil, src.opts)
				if diags.HasErrors() {
					t.Fatalf("%s: unexpected diagnostics: %s", src.kind, diags.Error())
				}
				if got != c.want {
					t.Errorf("%s: value = %s, want %s", src.kind, got, c.want)
				}
			}
		})
	}
}

func TestVariableErrors(t *testing.T) {
	cases := []struct {
		name       string
		decl       string
		varFiles   map[string]string
		opts       LoadOptions
		summary    string
		detailHas  string
		hasSubject bool
	}{
		{"undeclared -var", `variable "v" { default = "x" }`, nil, LoadOptions{Vars: []string{"vv=1"}},
			"Value for undeclared variable", `-var 'vv=...'`, false},
		{"-var without =", `variable "v" { default = "x" }`, nil, LoadOptions{Vars: []string{"v"}},
			"Invalid -var option", "NAME=VALUE", false},
		{"no value", `variable "v" { type = string }`, nil, LoadOptions{},
			"No value for required variable", "VPSFLEET_VAR_v", true},
		{"wrong type from -var", `variable "v" { type = number }`, nil, LoadOptions{Vars: []string{"v=many"}},
			"Invalid value for variable", "-var v", false},
		{"wrong type from file", `variable "v" { type = bool }`, map[string]string{"x.vars.hcl": "v = [1]"},
			LoadOptions{VarFiles: []string{"x.vars.hcl"}}, "Invalid value for variable", "x.vars.hcl", true},
		{"missing var file", `variable "v" { default = "x" }`, nil, LoadOptions{VarFiles: []string{"nope.vars.hcl"}},
			"Cannot read file", "nope.vars.hcl", false},
		{"validation fails", `variable "v" {
  type = number
  validation {
    condition     = var.v > 10
    error_message = "Use more than ${10} servers."
  }
}`, nil, LoadOptions{Vars: []string{"v=3"}}, "Invalid value for variable", "Use more than 10 servers.", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, diags := loadVar(t, c.decl, c.varFiles, c.opts)
			var found *hcl.Diagnostic
			for _, d := range diags {
				if d.Summary == c.summary {
					found = d
				}
			}
			if found == nil {
				t.Fatalf("no %q diagnostic in:\n%s", c.summary, diags.Error())
			}
			if !strings.Contains(found.Detail, c.detailHas) {
				t.Errorf("detail %q does not mention %q", found.Detail, c.detailHas)
			}
			if (found.Subject != nil) != c.hasSubject {
				t.Errorf("subject = %v, want a subject: %v", found.Subject, c.hasSubject)
			}
		})
	}
}

func TestUndeclaredInVarFileIsAWarning(t *testing.T) {
	_, diags := loadVar(t, `variable "v" { default = "x" }`, map[string]string{"x.vars.hcl": "vv = 1"},
		LoadOptions{VarFiles: []string{"x.vars.hcl"}})
	if diags.HasErrors() || len(diags) != 1 || diags[0].Severity != hcl.DiagWarning {
		t.Fatalf("want one warning, got %s", diags.Error())
	}
	if !strings.Contains(diags[0].Detail, `Did you mean "v"?`) {
		t.Errorf("no suggestion in %q", diags[0].Detail)
	}
}

func TestSensitiveValueNotShown(t *testing.T) {
	const secret = `variable "v" {
  type      = string
  sensitive = true
  default   = "hunter2 x"
}
`
	cases := []struct {
		name, src, summary string
		opts               LoadOptions
	}{
		{"function error in a validation", `variable "v" {
  type      = string
  sensitive = true
  validation {
    condition     = tonumber(var.v) > 20
    error_message = "Too small."
  }
}
` + varFleet(""), "Invalid function argument", LoadOptions{Vars: []string{"v=hunter2"}}},
		{"failed validation", `variable "v" {
  type      = string
  sensitive = true
  validation {
    condition     = length(var.v) > 20
    error_message = "Too short."
  }
}
` + varFleet(""), "Invalid value for variable", LoadOptions{Vars: []string{"v=hunter2"}}},
		{"as hostname", secret + `server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
  hostname = var.v
}`, "Invalid hostname", LoadOptions{}},
		{"as power through a local", secret + `locals { p = var.v }
server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
  power    = local.p
}`, "Invalid power state", LoadOptions{}},
		{"in a name", secret + `server "web" {
  count    = 1
  name     = "${var.v}-${count.index}"
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}`, "Invalid server name", LoadOptions{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeFleet(t, map[string]string{"fleet.hcl": c.src})
			_, diags := Load(dir, c.opts)
			var buf strings.Builder
			if err := WriteDiagnostics(&buf, nil, diags, 0, false); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, d := range diags {
				found = found || d.Summary == c.summary
			}
			if !found {
				t.Fatalf("no %q diagnostic in:\n%s", c.summary, buf.String())
			}
			if strings.Contains(buf.String(), "hunter2") || strings.Contains(string(DiagnosticsJSON(diags)), "hunter2") {
				t.Errorf("the sensitive value is shown:\n%s", buf.String())
			}
		})
	}
}
