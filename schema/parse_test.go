package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// bigFleet returns a fleet source over chunkFrom bytes; middle is placed
// halfway through it.
func bigFleet(middle string) []byte {
	var b strings.Builder
	i := 0
	for ; b.Len() < chunkFrom/2; i++ {
		fmt.Fprintf(&b, "server \"web-%05d\" {\n  plan_id  = 1\n  os_id    = 5\n  location = \"us-west\"\n}\n\n", i)
	}
	b.WriteString(middle)
	for ; b.Len() < chunkFrom+chunkSize; i++ {
		fmt.Fprintf(&b, "# server %d\nserver \"web-%05d\" {\n  plan_id  = 1\n  os_id    = 5\n  location = \"us-west\"\n}\n", i, i)
	}
	return []byte(b.String())
}

// TestParseInPiecesMatchesWholeParse checks that parsing a large file in
// pieces yields the blocks, ranges and context a whole parse yields, and
// that a piece boundary inside a heredoc falls back to the whole parse.
func TestParseInPiecesMatchesWholeParse(t *testing.T) {
	heredoc := "locals {\n  text = <<EOT\n" + strings.Repeat("}\nserver \"x\" {\n", chunkSize/10) + "EOT\n}\n"
	for name, src := range map[string][]byte{
		"plain":   bigFleet(""),
		"heredoc": bigFleet(heredoc),
	} {
		t.Run(name, func(t *testing.T) {
			got, diags := parseConfig(src, "big.hcl")
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			want, _ := hclsyntax.ParseConfig(src, "big.hcl", hcl.InitialPos)
			gotBlocks := got.Body.(*hclsyntax.Body).Blocks
			wantBlocks := want.Body.(*hclsyntax.Body).Blocks
			if len(gotBlocks) != len(wantBlocks) {
				t.Fatalf("%d blocks, want %d", len(gotBlocks), len(wantBlocks))
			}
			for i := range gotBlocks {
				g, w := gotBlocks[i], wantBlocks[i]
				if g.DefRange() != w.DefRange() || g.Body.SrcRange != w.Body.SrcRange {
					t.Fatalf("block %d at %v, want %v", i, g.DefRange(), w.DefRange())
				}
			}
			nav := got.Nav.(interface{ ContextString(int) string })
			wantNav := want.Nav.(interface{ ContextString(int) string })
			for _, off := range []int{10, len(src) / 2, len(src) - 10} {
				if g, w := nav.ContextString(off), wantNav.ContextString(off); g != w {
					t.Errorf("context at %d = %q, want %q", off, g, w)
				}
			}
		})
	}
}

// TestLoadLargeFileDiagnostics checks that a problem deep in a large file
// is reported at its true line.
func TestLoadLargeFileDiagnostics(t *testing.T) {
	src := bigFleet("server \"bad\" {\n  plan_id  = 1\n  os_id    = 5\n  location = \"us-west\"\n  power    = \"sleep\"\n}\n\n")
	line := strings.Count(string(src[:strings.Index(string(src), `"sleep"`)]), "\n") + 1
	_, diags := loadSources([]source{{name: "big.hcl", src: src}}, LoadOptions{})
	if len(diags) != 1 || diags[0].Summary != "Invalid power state" || diags[0].Subject.Start.Line != line {
		t.Fatalf("want one Invalid power state at line %d, got %s", line, diags.Error())
	}
}

// TestLoadSkipsHiddenAndVarFiles checks which files of a directory are
// fleet files: an editor's lock file (.#fleet.hcl, often a dangling
// link) and other hidden files are not, and neither are variable files.
func TestLoadSkipsHiddenAndVarFiles(t *testing.T) {
	dir := writeFleet(t, map[string]string{
		"fleet.hcl": `server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}`,
		".hidden.hcl":   `this is not HCL {`,
		"prod.vars.hcl": `x = 1`,
		"notes.txt":     `server "web-02" {}`,
	})
	if err := os.Symlink(filepath.Join(dir, "gone"), filepath.Join(dir, ".#fleet.hcl")); err != nil {
		t.Fatal(err)
	}
	f, diags := Load(dir, LoadOptions{})
	if len(diags) > 0 {
		t.Fatalf("unexpected diagnostics:\n%s", diags.Error())
	}
	if len(f.Servers) != 1 || len(f.Files) != 1 {
		t.Errorf("loaded %d servers from %d files, want 1 from fleet.hcl", len(f.Servers), len(f.Files))
	}
}
