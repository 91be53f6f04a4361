package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that records its first failure instead of
// failing.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Errorf(f string, a ...any) { r.fail("Errorf") }
func (r *recorder) Fatalf(f string, a ...any) { r.fail("Fatalf") }

func (r *recorder) fail(how string) {
	if r.failed == "" {
		r.failed = how
	}
}

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.golden")
	if err := os.WriteFile(path, []byte("a\nb\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		got  string
		want string // the recorder's failure, "" for none
	}{
		{"same", path, "a\nb\n", ""},
		{"different", path, "a\nc\n", "Errorf"},
		{"missing file", filepath.Join(t.TempDir(), "none"), "x", "Fatalf"},
	}
	for _, tt := range tests {
		r := &recorder{TB: t}
		Check(r, tt.path, []byte(tt.got))
		if r.failed != tt.want {
			t.Errorf("%s: failure %q, want %q", tt.name, r.failed, tt.want)
		}
	}
}

func TestLineDiff(t *testing.T) {
	d := lineDiff("a\nb\nc\n", "a\nx\nc\n")
	if !strings.Contains(d, "- b\n") || !strings.Contains(d, "+ x\n") || !strings.Contains(d, "  a\n") {
		t.Errorf("lineDiff:\n%s", d)
	}
}
