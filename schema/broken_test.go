package schema

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/vpsfleet/vpsfleet/internal/golden"
)

// expectLine is a broken case's header: "# expect: [FILE:]LINE: SUMMARY".
var expectLine = regexp.MustCompile(`^# expect: (?:([^:\s]+):)?(\d+): (.+)$`)

// expectations reads the expect headers of every file of a case, as
// "file:line: summary" strings.
func expectations(t *testing.T, files []string) []string {
	t.Helper()
	var out []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(src))
		for sc.Scan() {
			m := expectLine.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			file := filepath.Base(f)
			if m[1] != "" {
				file = m[1]
			}
			out = append(out, fmt.Sprintf("%s:%s: %s", file, m[2], m[3]))
		}
	}
	sort.Strings(out)
	return out
}

// TestBrokenFleets loads every fleet under testdata/schema/broken, checks
// that exactly the expected diagnostics (file, line, summary) come out and
// that no fleet is returned, and compares the rendered diagnostics with the
// golden file.
func TestBrokenFleets(t *testing.T) {
	dir := filepath.Join(goldenDir, "broken")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	cases := 0
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(dir, name)
		var files []string
		switch {
		case e.IsDir():
			files, _ = filepath.Glob(filepath.Join(path, "*.hcl"))
		case strings.HasSuffix(name, ".hcl"):
			files = []string{path}
			name = strings.TrimSuffix(name, ".hcl")
		default:
			continue
		}
		cases++
		t.Run(name, func(t *testing.T) {
			want := expectations(t, files)
			if len(want) == 0 {
				t.Fatalf("case %s has no '# expect: LINE: SUMMARY' header", name)
			}
			fleet, diags := Load(path, LoadOptions{})
			if fleet != nil {
				t.Errorf("Load returned a fleet despite errors")
			}
			if !diags.HasErrors() {
				t.Fatalf("no error diagnostics")
			}
			var got []string
			for _, d := range diags {
				if d.Subject == nil {
					got = append(got, "-: "+d.Summary)
					continue
				}
				got = append(got, fmt.Sprintf("%s:%d: %s", filepath.Base(d.Subject.Filename), d.Subject.Start.Line, d.Summary))
			}
			sort.Strings(got)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("diagnostics at\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
			for _, d := range diags {
				if d.Detail == "" {
					t.Errorf("diagnostic %q has no detail saying what to do", d.Summary)
				}
			}
			var buf bytes.Buffer
			if err := WriteDiagnostics(&buf, nil, diags, 0, false); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join(dir, name+".golden"), buf.Bytes())
		})
	}
	if cases < 25 {
		t.Errorf("only %d broken cases; keep at least 25", cases)
	}
}
