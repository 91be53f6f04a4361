package schema

import (
	"bytes"
	"io"
	"sort"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// FuzzLoad loads arbitrary bytes as a fleet file: the result is a valid
// model or error diagnostics, never a panic, a hang or a stack overflow.
// Seeds: every example and broken case, and the hostile inputs of
// hostileCases (deep nesting, nested for expressions, huge numbers...),
// in testdata/fuzz/FuzzLoad.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(`server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		fleet, diags := loadSources([]source{{name: "fuzz.hcl", src: src}},
			LoadOptions{Vars: []string{"n=2"}, Environ: []string{"VPSFLEET_VAR_s=x"}})
		if err := WriteDiagnostics(io.Discard, nil, diags, 80, true); err != nil {
			t.Fatal(err)
		}
		_ = DiagnosticsJSON(diags)
		if fleet == nil {
			if !diags.HasErrors() {
				t.Fatalf("no fleet and no error diagnostics")
			}
			return
		}
		if diags.HasErrors() {
			t.Fatalf("a fleet despite errors: %s", diags.Error())
		}
		if fleet.Hash == "" || fleet.Files == nil {
			t.Fatalf("Hash or Files missing")
		}
		if !sort.SliceIsSorted(fleet.Servers, func(i, j int) bool { return fleet.Servers[i].Name < fleet.Servers[j].Name }) {
			t.Fatalf("servers not sorted")
		}
		for i, s := range fleet.Servers {
			if !ValidServerName(s.Name) || (i > 0 && fleet.Servers[i-1].Name == s.Name) {
				t.Fatalf("invalid or repeated name %q", s.Name)
			}
			if s.PlanID <= 0 || s.OSID <= 0 || s.Location == "" {
				t.Fatalf("server %q lacks a required attribute: %+v", s.Name, s)
			}
			if s.Hostname != "" && !ValidHostname(s.Hostname) {
				t.Fatalf("server %q has an invalid hostname %q", s.Name, s.Hostname)
			}
			if s.Power != PowerOn && s.Power != PowerOff {
				t.Fatalf("server %q has power %q", s.Name, s.Power)
			}
		}
	})
}

// FuzzFormat formats arbitrary bytes: source that parses formats to
// source that still parses and is a fixed point of Format. Seeds include
// the hostile inputs Format must refuse (testdata/fuzz/FuzzFormat).
func FuzzFormat(f *testing.F) {
	f.Add([]byte("a = 1\nb   =   [1,2]\n"))
	f.Add([]byte("server \"x\" {\ncount=1\n  lifecycle {\nignore_changes=[hostname]\n}\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		out, diags := Format(src, "fuzz.hcl")
		if diags.HasErrors() {
			if out != nil {
				t.Fatalf("output despite errors")
			}
			return
		}
		if _, diags := hclsyntax.ParseConfig(out, "fuzz.hcl", hcl.InitialPos); diags.HasErrors() {
			t.Fatalf("formatted source does not parse: %s\n%q", diags.Error(), out)
		}
		again, _ := Format(out, "fuzz.hcl")
		if !bytes.Equal(again, out) {
			t.Fatalf("not idempotent:\n%s", UnifiedDiff("fuzz.hcl", out, again))
		}
	})
}
