package schema

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpsfleet/vpsfleet/internal/golden"
)

// TestFormatGolden formats every testdata/schema/fmt/*.input, compares it
// with its .golden, and checks that formatting the golden changes nothing.
func TestFormatGolden(t *testing.T) {
	inputs, _ := filepath.Glob(filepath.Join(goldenDir, "fmt", "*.input"))
	if len(inputs) == 0 {
		t.Fatal("no format cases")
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".input")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got, diags := Format(src, in)
			if diags.HasErrors() {
				t.Fatalf("%s", diags.Error())
			}
			goldenPath := strings.TrimSuffix(in, ".input") + ".golden"
			golden.Check(t, goldenPath, got)
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatal(err)
			}
			again, diags := Format(want, goldenPath)
			if diags.HasErrors() {
				t.Fatalf("%s", diags.Error())
			}
			if d := UnifiedDiff(goldenPath, want, again); d != "" {
				t.Errorf("formatting the golden file changed it:\n%s", d)
			}
		})
	}
}

func TestFormatRefusesBrokenSource(t *testing.T) {
	src := []byte("server \"web\" {\n  plan_id = \n")
	out, diags := Format(src, "broken.hcl")
	if out != nil || !diags.HasErrors() {
		t.Fatalf("Format accepted source that does not parse: %q", out)
	}
	if diags[0].Subject == nil || diags[0].Subject.Filename != "broken.hcl" {
		t.Errorf("diagnostic does not name the file: %v", diags[0].Subject)
	}
}

func TestUnifiedDiff(t *testing.T) {
	cases := []struct {
		name          string
		before, after string
		want          string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"one line changed", "a\nb\nc\n", "a\nB\nc\n", `--- a/f.hcl
+++ b/f.hcl
@@ -1,3 +1,3 @@
 a
-b
+B
 c
`},
		{"added at end without newline", "a\n", "a\nb", `--- a/f.hcl
+++ b/f.hcl
@@ -1 +1,2 @@
 a
+b
\ No newline at end of file
`},
		{"two hunks", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "1x\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12x\n", `--- a/f.hcl
+++ b/f.hcl
@@ -1,4 +1,4 @@
-1
+1x
 2
 3
 4
@@ -9,4 +9,4 @@
 9
 10
 11
-12
+12x
`},
		{"from empty", "", "a\n", `--- a/f.hcl
+++ b/f.hcl
@@ -0,0 +1 @@
+a
`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := UnifiedDiff("f.hcl", []byte(c.before), []byte(c.after)); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}
