package schema

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestSyntaxErrorHidesNoOtherFile checks, for syntax errors of several
// kinds in b.hcl, that a.hcl is still decoded and its own error reported,
// with no follow-on error from what b.hcl may have declared.
func TestSyntaxErrorHidesNoOtherFile(t *testing.T) {
	const a = `server "web-01" {
  plan_id  = 1
  os_id    = local.image
  location = var.region
  hostname = "web_01"
}
moved {
  from = "db-old"
  to   = "db-01"
}
`
	cases := []struct{ name, b string }{
		{"error inside a block", `variable "region" {}
locals { image = 5 }
server "db-01" {
  plan_id = 2 os_id = 3
}`},
		{"block left open", `locals { image = 5 }
server "db-01" {
  plan_id = 2
variable "region" {}
`},
		{"garbage between blocks", `locals { image = 5 }
}}} oops
variable "region" {}
server "db-01" {}`},
		{"unterminated string in locals", `variable "region" {}
server "db-01" {}
locals {
  other = "no end
  image = 5
}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeFleet(t, map[string]string{"a.hcl": a, "b.hcl": c.b})
			fleet, diags := Load(dir, LoadOptions{})
			if fleet != nil {
				t.Fatalf("a fleet despite a syntax error")
			}
			var inA, inB []string
			for _, d := range diags {
				if d.Subject == nil {
					t.Errorf("diagnostic without a place: %s: %s", d.Summary, d.Detail)
					continue
				}
				switch filepath.Base(d.Subject.Filename) {
				case "a.hcl":
					inA = append(inA, d.Summary)
				case "b.hcl":
					inB = append(inB, d.Summary)
				}
			}
			if strings.Join(inA, "; ") != "Invalid hostname" {
				t.Errorf("a.hcl: got %q, want just its own Invalid hostname", inA)
			}
			if len(inB) == 0 {
				t.Errorf("b.hcl's syntax error is not reported")
			}
		})
	}
}

// TestSyntaxErrorKeepsGenuineReferenceErrors checks that when a broken
// file's structure is intact, a reference that nothing declares is still
// reported.
func TestSyntaxErrorKeepsGenuineReferenceErrors(t *testing.T) {
	dir := writeFleet(t, map[string]string{
		"a.hcl": `server "web-01" {
  plan_id  = 1
  os_id    = local.imgae
  location = var.regoin
}`,
		"b.hcl": `variable "region" {}
locals { image = 5 }
server "db-01" {
  plan_id = 2 os_id = 3
}`,
	})
	_, diags := Load(dir, LoadOptions{})
	for _, want := range []string{"Reference to undeclared input variable", "Reference to undeclared local value"} {
		if findDiag(diags, want) == nil {
			t.Errorf("no %q in:\n%s", want, diags.Error())
		}
	}
}

// TestVariableSourcesNamedInErrors checks that an error about a value
// given from outside the fleet files says which -var option, environment
// variable or variable file (with line and column) gave it, and never
// shows a value given on the command line.
func TestVariableSourcesNamedInErrors(t *testing.T) {
	const decl = `variable "n" { type = number }`
	cases := []struct {
		name      string
		varFiles  map[string]string
		opts      LoadOptions
		summary   string
		detailHas string
		subject   string // file:line of the diagnostic's subject, "" for none
	}{
		{"-var of the wrong type", nil, LoadOptions{Options: []VarOption{{Value: "n=hunter2"}}},
			"Invalid value for variable", "with -var n=...", ""},
		{"environment value of the wrong type", nil, LoadOptions{Environ: []string{"VPSFLEET_VAR_n=hunter2"}},
			"Invalid value for variable", "with the environment variable VPSFLEET_VAR_n", ""},
		{"-var-file value of the wrong type", map[string]string{"x.vars.hcl": "# values\nn = \"hunter2\"\n"},
			LoadOptions{Options: []VarOption{{File: true, Value: "DIR/x.vars.hcl"}}},
			"Invalid value for variable", "x.vars.hcl:2:5", "x.vars.hcl:2"},
		{"auto file value of the wrong type", map[string]string{"a.auto.vars.hcl": "n = \"hunter2\"\n"}, LoadOptions{},
			"Invalid value for variable", "a.auto.vars.hcl:1:5", "a.auto.vars.hcl:1"},
		{"-var-file missing", nil, LoadOptions{Options: []VarOption{{File: true, Value: "DIR/nope.vars.hcl"}}},
			"Cannot read file", "The option -var-file ", ""},
		{"-var-file with a syntax error", map[string]string{"x.vars.hcl": "n = = 1\n"},
			LoadOptions{Options: []VarOption{{File: true, Value: "DIR/x.vars.hcl"}}},
			"Invalid expression", "", "x.vars.hcl:1"},
		{"-var-file with a block", map[string]string{"x.vars.hcl": "n = 1\nserver \"x\" {}\n"},
			LoadOptions{Options: []VarOption{{File: true, Value: "DIR/x.vars.hcl"}}},
			"Unexpected \"server\" block", "", "x.vars.hcl:2"},
		{"-var without a name", nil, LoadOptions{Options: []VarOption{{Value: "=hunter2"}}},
			"Invalid -var option", `-var "=..."`, ""},
		{"-var too deep", nil, LoadOptions{Options: []VarOption{{Value: "n=" + strings.Repeat("(", testNesting) + "1" + strings.Repeat(")", testNesting)}}},
			"Nested too deeply", "The value given with -var n=...", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := c.opts
			opts.Vars = nil
			_, diags := loadVarOptions(t, decl, c.varFiles, opts)
			d := findDiag(diags, c.summary)
			if d == nil {
				t.Fatalf("no %q in:\n%s", c.summary, diags.Error())
			}
			if !strings.Contains(d.Detail, c.detailHas) {
				t.Errorf("detail %q does not say %q", d.Detail, c.detailHas)
			}
			got := ""
			if d.Subject != nil {
				got = filepath.Base(d.Subject.Filename) + ":" + strconv.Itoa(d.Subject.Start.Line)
			}
			if got != c.subject {
				t.Errorf("subject %q, want %q", got, c.subject)
			}
			for _, d := range diags {
				if strings.Contains(d.Detail, "hunter2") && c.subject == "" {
					t.Errorf("a value from the command line is shown: %s", d.Detail)
				}
			}
		})
	}
}
