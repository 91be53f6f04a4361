package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// testNesting is how deep the hostile inputs of the tests nest: well past
// maxNesting. The benchmarks use the 100,000.
const testNesting = 4 * maxNesting

// findDiag returns the first diagnostic of diags with summary, or nil.
func findDiag(diags hcl.Diagnostics, summary string) *hcl.Diagnostic {
	for _, d := range diags {
		if d.Summary == summary {
			return d
		}
	}
	return nil
}

// TestHostileInputsRefused loads each hostile input and checks that it is
// refused with the expected diagnostic at a place in the file; Format
// must refuse the syntactic ones too.
func TestHostileInputsRefused(t *testing.T) {
	for _, c := range hostileCases(testNesting) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fleet, diags := loadSources([]source{{name: "hostile.hcl", src: []byte(c.src + validServer)}}, LoadOptions{})
			if fleet != nil {
				t.Fatalf("a fleet was returned")
			}
			d := findDiag(diags, c.summary)
			if d == nil {
				t.Fatalf("no %q diagnostic in:\n%s", c.summary, diags.Error())
			}
			if d.Subject == nil || d.Subject.Filename != "hostile.hcl" || d.Subject.Start.Line < 1 {
				t.Errorf("diagnostic has no place in the file: %v", d.Subject)
			}
			if d.Detail == "" {
				t.Errorf("diagnostic has no detail")
			}
			out, fdiags := Format([]byte(c.src), "hostile.hcl")
			switch {
			case c.syntax && (out != nil || !fdiags.HasErrors()):
				t.Errorf("Format accepted it")
			case !c.syntax && fdiags.HasErrors():
				t.Errorf("Format refused it: %s", fdiags.Error())
			}
		})
	}
}

// TestLimitsKeepOrdinaryFleets checks that what real fleets do stays well
// inside the limits: deep-ish nesting, long lists, big for_each maps
// built by for expressions, and functions on them.
func TestLimitsKeepOrdinaryFleets(t *testing.T) {
	var servers strings.Builder
	servers.WriteString("servers = {\n")
	for i := range 5000 {
		fmt.Fprintf(&servers, "  web-%05d = { plan = %d, site = \"us-west\", tags = [\"a\", \"b\"] }\n", i, 1+i%2)
	}
	servers.WriteString("}\n")
	cases := []struct {
		name, src string
		vars      string // a variable file
		want      int    // servers
	}{
		{"nesting below the limit", `locals {
  x = ` + strings.Repeat("[", maxNesting-10) + "1" + strings.Repeat("]", maxNesting-10) + `
}
server "web" {
  count    = length(flatten(local.x))
  name     = "web-${count.index}"
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}`, "", 1},
		{"for_each built by nested for expressions", `locals {
  sites = { for s in range(20) : "s${s}" => s }
  all   = flatten([for name, s in local.sites : [for i in range(500) : { name = "${name}-${i}", plan = 1 + i % 2 }]])
}
server "web" {
  for_each = { for s in local.all : s.name => s if s.plan > 0 }
  name     = "web-${each.key}"
  plan_id  = each.value.plan
  os_id    = 5
  location = "us-west"
  hostname = format("%s.example.com", lower(each.key))
}`, "", 10000},
		{"for_each from a large variable", `variable "servers" {
  type = map(object({ plan = number, site = string, tags = list(string) }))
}
server "web" {
  for_each = { for name, s in var.servers : name => s if length(s.tags) > 0 }
  name     = each.key
  plan_id  = each.value.plan
  os_id    = 5
  location = each.value.site
}`, servers.String(), 5000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{"fleet.hcl": c.src}
			var opts LoadOptions
			if c.vars != "" {
				files["big.vars.hcl"] = c.vars
			}
			dir := writeFleet(t, files)
			if c.vars != "" {
				opts.VarFiles = []string{filepath.Join(dir, "big.vars.hcl")}
			}
			f, diags := Load(filepath.Join(dir, "fleet.hcl"), opts)
			if diags.HasErrors() {
				t.Fatalf("%s", diags.Error())
			}
			if len(f.Servers) != c.want {
				t.Errorf("%d servers, want %d", len(f.Servers), c.want)
			}
		})
	}
}

// TestLoadReadsOnlyRegularFiles checks that a FIFO, a device or a directory
// named like a fleet or variable file is refused without being read from
// (reading a FIFO would wait for a writer forever), and so is a file over
// the size limit.
func TestLoadReadsOnlyRegularFiles(t *testing.T) {
	dir := writeFleet(t, map[string]string{"fleet.hcl": validServer})
	fifo := filepath.Join(dir, "x.hcl")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	varFifo := filepath.Join(dir, "x.vars.hcl")
	if err := syscall.Mkfifo(varFifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "d.vars.hcl"), 0o755); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(t.TempDir(), "big.vars.hcl")
	if err := os.WriteFile(big, []byte(strings.Repeat("#\n", maxFileSize/2+1)), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path string
		opts       LoadOptions
		detail     string
	}{
		{"FIFO fleet file in the directory", dir, LoadOptions{}, "x.hcl is a named pipe (FIFO)"},
		{"FIFO given as the fleet file", fifo, LoadOptions{}, "x.hcl is a named pipe (FIFO)"},
		{"FIFO variable file", filepath.Join(dir, "fleet.hcl"), LoadOptions{VarFiles: []string{varFifo}}, "x.vars.hcl is a named pipe (FIFO)"},
		{"device variable file", filepath.Join(dir, "fleet.hcl"), LoadOptions{VarFiles: []string{"/dev/zero"}}, "/dev/zero is a device"},
		{"directory variable file", filepath.Join(dir, "fleet.hcl"), LoadOptions{VarFiles: []string{filepath.Join(dir, "d.vars.hcl")}}, "d.vars.hcl is a directory"},
		{"variable file over the limit", filepath.Join(dir, "fleet.hcl"), LoadOptions{VarFiles: []string{big}}, "more than the 8 MiB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fleet, diags := Load(c.path, c.opts)
			if fleet != nil {
				t.Fatalf("a fleet was returned")
			}
			d := findDiag(diags, "Cannot read file")
			if d == nil || !strings.Contains(d.Detail, c.detail) {
				t.Fatalf("want a Cannot read file diagnostic saying %q, got:\n%s", c.detail, diags.Error())
			}
		})
	}
	if _, diags := ReadFleetFile(fifo); !diags.HasErrors() {
		t.Errorf("ReadFleetFile read a FIFO")
	}
}

// TestVariableValuesHaveTheLimits checks that -var values, environment
// values and variable files are parsed and evaluated under the limits of
// fleet files.
func TestVariableValuesHaveTheLimits(t *testing.T) {
	deep := strings.Repeat("[", testNesting) + strings.Repeat("]", testNesting)
	hugeFor := "[for a in [" + strings.Repeat("0,", 999) + "0] : [for b in [" + strings.Repeat("0,", 999) + "0] : [for c in [" + strings.Repeat("0,", 999) + "0] : c]]]"
	const decl = `variable "v" { type = any }
variable "n" {
  type    = list(any)
  default = []
}
`
	cases := []struct {
		name     string
		varFile  string
		opts     LoadOptions
		summary  string
		inVarDir bool
	}{
		{"deep variable file", "n = " + deep + "\n", LoadOptions{}, "Nested too deeply", true},
		{"nested for in a variable file", "n = " + hugeFor + "\n", LoadOptions{}, "Expression produces too many values", true},
		{"deep -var", "", LoadOptions{Vars: []string{"n=" + deep}}, "Nested too deeply", false},
		{"deep environment value", "", LoadOptions{Environ: []string{"VPSFLEET_VAR_n=" + deep}}, "Nested too deeply", false},
		{"nested for in -var", "", LoadOptions{Vars: []string{"n=" + hugeFor}}, "Expression produces too many values", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{"fleet.hcl": decl + validServer}
			if c.varFile != "" {
				files["x.vars.hcl"] = c.varFile
			}
			dir := writeFleet(t, files)
			opts := c.opts
			opts.Vars = append([]string{"v=1"}, opts.Vars...)
			if c.varFile != "" {
				opts.VarFiles = []string{filepath.Join(dir, "x.vars.hcl")}
			}
			fleet, diags := Load(filepath.Join(dir, "fleet.hcl"), opts)
			if fleet != nil {
				t.Fatalf("a fleet was returned")
			}
			if findDiag(diags, c.summary) == nil {
				t.Fatalf("no %q diagnostic in:\n%s", c.summary, diags.Error())
			}
		})
	}
}

// TestLongLocalChainRefused checks that locals referring to each other in
// a chain longer than maxNesting, declared so that evaluating them in
// dependency order would recurse once per step, are refused.
func TestLongLocalChainRefused(t *testing.T) {
	var b strings.Builder
	b.WriteString("locals {\n")
	n := 2 * maxNesting
	for i := n; i > 0; i-- {
		fmt.Fprintf(&b, "  a%d = local.a%d + 1\n", i, i-1)
	}
	b.WriteString("  a0 = 0\n}\n")
	fleet, diags := loadSources([]source{{name: "chain.hcl", src: []byte(b.String() + validServer)}}, LoadOptions{})
	if fleet != nil || findDiag(diags, "Local values nested too deeply") == nil {
		t.Fatalf("want a Local values nested too deeply error, got:\n%s", diags.Error())
	}
}
