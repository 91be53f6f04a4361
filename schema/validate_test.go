package schema

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// TestVariablePrecedenceWithAutoFiles checks Terraform's order: default <
// environment < *.auto.vars.hcl in lexical order < -var-file and -var in
// command-line order.
func TestVariablePrecedenceWithAutoFiles(t *testing.T) {
	const decl = `variable "v" {
  type    = string
  default = "default"
}`
	env := []string{"VPSFLEET_VAR_v=env"}
	cases := []struct {
		name     string
		varFiles map[string]string
		opts     LoadOptions
		want     string
	}{
		{"environment beats default", nil, LoadOptions{Environ: env}, `"env"`},
		{"auto file beats environment", map[string]string{"a.auto.vars.hcl": `v = "auto-a"`}, LoadOptions{Environ: env}, `"auto-a"`},
		{"later auto file wins", map[string]string{"b.auto.vars.hcl": `v = "auto-b"`, "a.auto.vars.hcl": `v = "auto-a"`}, LoadOptions{Environ: env}, `"auto-b"`},
		{"hidden auto file ignored", map[string]string{".z.auto.vars.hcl": `v = "hidden"`}, LoadOptions{}, `"default"`},
		{"plain vars file not read", map[string]string{"prod.vars.hcl": `v = "prod"`}, LoadOptions{}, `"default"`},
		{"-var-file beats auto file", map[string]string{"a.auto.vars.hcl": `v = "auto-a"`, "x.vars.hcl": `v = "file-x"`},
			LoadOptions{Options: []VarOption{{File: true, Value: "x.vars.hcl"}}}, `"file-x"`},
		{"-var beats auto file", map[string]string{"a.auto.vars.hcl": `v = "auto-a"`},
			LoadOptions{Options: []VarOption{{Value: "v=flag"}}}, `"flag"`},
		{"later -var-file beats earlier -var", map[string]string{"x.vars.hcl": `v = "file-x"`},
			LoadOptions{Options: []VarOption{{Value: "v=flag"}, {File: true, Value: "x.vars.hcl"}}}, `"file-x"`},
		{"later -var beats earlier -var-file", map[string]string{"x.vars.hcl": `v = "file-x"`},
			LoadOptions{Options: []VarOption{{File: true, Value: "x.vars.hcl"}, {Value: "v=flag"}}}, `"flag"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for i, o := range c.opts.Options {
				if o.File {
					c.opts.Options[i].Value = filepath.Join("DIR", o.Value)
				}
			}
			got, diags := loadVarOptions(t, decl, c.varFiles, c.opts)
			if diags.HasErrors() {
				t.Fatalf("unexpected diagnostics: %s", diags.Error())
			}
			if got != c.want {
				t.Errorf("value = %s, want %s", got, c.want)
			}
		})
	}
}

// loadVarOptions is loadVar for Options: a -var-file value starting with
// DIR/ names a file of the fleet's directory.
func loadVarOptions(t *testing.T, decl string, varFiles map[string]string, opts LoadOptions) (string, hcl.Diagnostics) {
	t.Helper()
	files := map[string]string{"fleet.hcl": varFleet(decl)}
	for name, src := range varFiles {
		files[name] = src
	}
	dir := writeFleet(t, files)
	for i, o := range opts.Options {
		if rest, ok := strings.CutPrefix(o.Value, "DIR"+string(filepath.Separator)); ok && o.File {
			opts.Options[i].Value = filepath.Join(dir, rest)
		}
	}
	f, diags := Load(dir, opts)
	if f == nil {
		return "", diags
	}
	return f.Servers[0].Location, diags
}

// TestAutoFilesBesideOneFleetFile checks that loading one fleet file reads
// the *.auto.vars.hcl files of its directory.
func TestAutoFilesBesideOneFleetFile(t *testing.T) {
	dir := writeFleet(t, map[string]string{
		"fleet.hcl":       varFleet(`variable "v" { type = string }`),
		"x.auto.vars.hcl": `v = "auto"`,
	})
	f, diags := Load(filepath.Join(dir, "fleet.hcl"), LoadOptions{})
	if diags.HasErrors() {
		t.Fatalf("%s", diags.Error())
	}
	if got := f.Servers[0].Location; got != `"auto"` {
		t.Errorf("value = %s, want \"auto\"", got)
	}
}

// TestNoValueMentionsAutoFiles checks that the error for a variable given
// no value names the *.auto.vars.hcl files, and those that were read.
func TestNoValueMentionsAutoFiles(t *testing.T) {
	for _, c := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"none", nil, "*.auto.vars.hcl file beside the fleet (read automatically; none was found)"},
		{"some", map[string]string{"b.auto.vars.hcl": `other = 1`, "a.auto.vars.hcl": `other = 2`},
			"(read automatically; read: a.auto.vars.hcl, b.auto.vars.hcl)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, diags := loadVarOptions(t, `variable "v" { type = string }
variable "other" { default = 0 }`, c.files, LoadOptions{})
			d := findDiag(diags, "No value for required variable")
			if d == nil {
				t.Fatalf("no error in %s", diags.Error())
			}
			if !strings.Contains(d.Detail, c.want) {
				t.Errorf("detail %q does not say %q", d.Detail, c.want)
			}
		})
	}
}

// validateFleet uses variables that have no value in every place a value
// can go; in validate mode it loads without errors.
const validateFleet = `variable "n" { type = number }
variable "site" { type = string }
variable "sites" { type = map(string) }
variable "names" { type = set(string) }
variable "patterns" { type = list(string) }
variable "keep" { type = bool }
variable "ok" {
  type    = number
  default = 3
}
variable "limited" {
  type = number
  validation {
    condition     = var.limited < var.n
    error_message = "Too many."
  }
}

locals {
  prefix = "web-${var.site}"
}

fleet {
  owns = concat(["db-*"], var.patterns)
}

server "web" {
  count    = var.n
  name     = format("%s-%02d", local.prefix, count.index)
  plan_id  = 1
  os_id    = 5
  location = var.site
}

server "edge" {
  for_each = var.sites
  name     = "edge-${each.key}"
  plan_id  = 1
  os_id    = 5
  location = each.value
}

server "cache" {
  for_each = var.names
  name     = each.key
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}

server "db-01" {
  plan_id  = var.ok
  os_id    = 5
  location = "us-east"
  hostname = "db-${var.site}.example.com"
  lifecycle {
    prevent_destroy = var.keep
  }
}

server "db-02" {
  plan_id  = var.ok
  os_id    = 5
  location = "us-east"
}

moved {
  from = "db-${var.site}"
  to   = "db-02"
}
`

// TestValidateWithoutVariableValues checks that validate mode accepts a
// fleet whose variables have no value, leaves out what depends on them
// and says so (Partial), while a normal load refuses it.
func TestValidateWithoutVariableValues(t *testing.T) {
	dir := writeFleet(t, map[string]string{"fleet.hcl": validateFleet})
	f, diags := Load(dir, LoadOptions{Validate: true})
	if len(diags) > 0 {
		t.Fatalf("validate mode reported:\n%s", diags.Error())
	}
	if !f.Partial {
		t.Errorf("the fleet is not marked Partial")
	}
	var names []string
	for _, s := range f.Servers {
		names = append(names, s.Name)
	}
	if strings.Join(names, " ") != "db-02" {
		t.Errorf("servers %v, want only db-02 (the others depend on values not given)", names)
	}
	if len(f.Moves) != 0 || len(f.Owns) != 0 {
		t.Errorf("moves %v and owns %v depend on values not given", f.Moves, f.Owns)
	}

	_, diags = Load(dir, LoadOptions{})
	if n := len(findAll(diags, "No value for required variable")); n != 7 {
		t.Errorf("a normal load reported %d variables without a value, want 7:\n%s", n, diags.Error())
	}

	full, diags := Load(dir, LoadOptions{Validate: true, Vars: []string{
		"n=2", "site=x", `sites={ a = "us-west" }`, `names=["c-1"]`, `patterns=["web-*"]`, "keep=true", "limited=1",
	}})
	if diags.HasErrors() || full.Partial || len(full.Servers) != 6 {
		t.Errorf("with every value given validate mode should load the whole fleet: partial %v, %d servers, %s",
			full != nil && full.Partial, len(full.Servers), diags.Error())
	}
}

// TestValidateStillReportsProblems checks that validate mode type-checks
// expressions that use variables without a value, and reports every
// problem that does not depend on them.
func TestValidateStillReportsProblems(t *testing.T) {
	cases := []struct {
		name, src, summary string
	}{
		{"attribute of the wrong type", `variable "b" { type = list(string) }
server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = var.b
}`, "Incorrect attribute value type"},
		{"count of the wrong type", `variable "b" { type = bool }
server "web" {
  count    = var.b
  name     = "web-${count.index}"
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}`, "Incorrect attribute value type"},
		{"operator on the wrong type", `variable "s" { type = list(number) }
server "web-01" {
  plan_id  = var.s + 1
  os_id    = 5
  location = "us-west"
}`, "Invalid operand"},
		{"attribute of a number", `variable "s" { type = number }
server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = var.s.region
}`, "Unsupported attribute"},
		{"function argument of the wrong type", `variable "s" { type = number }
server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = join(",", var.s)
}`, "Invalid function argument"},
		{"unrelated invalid hostname", `variable "s" { type = string }
server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = var.s
  hostname = "not_valid"
}`, "Invalid hostname"},
		{"undeclared variable", `variable "s" { type = string }
server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = var.ss
}`, "Reference to undeclared input variable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeFleet(t, map[string]string{"fleet.hcl": c.src})
			f, diags := Load(dir, LoadOptions{Validate: true})
			if f != nil || findDiag(diags, c.summary) == nil {
				t.Fatalf("want a %q error, got:\n%s", c.summary, diags.Error())
			}
			if d := findDiag(diags, "No value for required variable"); d != nil {
				t.Errorf("validate mode asked for a value: %s", d.Detail)
			}
		})
	}
}

// findAll returns the diagnostics of diags with summary.
func findAll(diags hcl.Diagnostics, summary string) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, d := range diags {
		if d.Summary == summary {
			out = append(out, d)
		}
	}
	return out
}

// TestAutoFileProblemsNameTheFile checks that a problem in an auto file is
// reported at its place in that file.
func TestAutoFileProblemsNameTheFile(t *testing.T) {
	dir := writeFleet(t, map[string]string{
		"fleet.hcl":          varFleet(`variable "v" { type = number }`),
		"site.auto.vars.hcl": "v = \"many\"\n",
	})
	_, diags := Load(dir, LoadOptions{})
	d := findDiag(diags, "Invalid value for variable")
	if d == nil || d.Subject == nil || filepath.Base(d.Subject.Filename) != "site.auto.vars.hcl" || d.Subject.Start.Line != 1 {
		t.Fatalf("want an error at site.auto.vars.hcl:1, got:\n%s", diags.Error())
	}
	if _, err := os.Stat(filepath.Join(dir, "site.auto.vars.hcl")); err != nil {
		t.Fatal(err)
	}
}
