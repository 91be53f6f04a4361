package schema

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/vpsfleet/vpsfleet/internal/golden"
)

// goldenServer is a DesiredServer as the example goldens record it: no
// ranges, but where the server was declared.
type goldenServer struct {
	Name           string    `json:"name"`
	PlanID         int64     `json:"plan_id"`
	OSID           int64     `json:"os_id"`
	Location       string    `json:"location"`
	Hostname       string    `json:"hostname"`
	SSHKeyID       *int64    `json:"ssh_key_id"`
	BackupsEnabled bool      `json:"backups_enabled"`
	Power          Power     `json:"power"`
	Lifecycle      Lifecycle `json:"lifecycle"`
	DeclaredAt     string    `json:"declared_at"`
	// AttrsSet lists which attributes have a source range.
	AttrsSet []string `json:"attrs_set"`
}

type goldenFleet struct {
	Owns    []string       `json:"owns"`
	Protect []string       `json:"protect"`
	Servers []goldenServer `json:"servers"`
	Moves   []string       `json:"moves"`
	Hash    string         `json:"hash"`
}

// goldenModel renders f for a golden file; file names are relative to dir.
func goldenModel(t *testing.T, dir string, f *Fleet) []byte {
	t.Helper()
	rel := func(name string) string {
		if r, err := filepath.Rel(dir, name); err == nil {
			return filepath.ToSlash(r)
		}
		return name
	}
	g := goldenFleet{Owns: f.Owns, Protect: f.Protect, Hash: f.Hash, Servers: []goldenServer{}, Moves: []string{}}
	for _, s := range f.Servers {
		g.Servers = append(g.Servers, goldenServer{
			Name: s.Name, PlanID: s.PlanID, OSID: s.OSID, Location: s.Location, Hostname: s.Hostname,
			SSHKeyID: s.SSHKeyID, BackupsEnabled: s.BackupsEnabled, Power: s.Power, Lifecycle: s.Lifecycle,
			DeclaredAt: fmt.Sprintf("%s:%d", rel(s.Range.Filename), s.Range.Start.Line),
			AttrsSet:   sortedKeys(s.AttrRanges),
		})
	}
	for _, m := range f.Moves {
		g.Moves = append(g.Moves, fmt.Sprintf("%s -> %s (%s:%d)", m.From, m.To, rel(m.Range.Filename), m.Range.Start.Line))
	}
	out, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

// TestExamples loads every example cleanly and compares its decoded model
// with the golden JSON.
func TestExamples(t *testing.T) {
	examples := filepath.Join("..", "examples")
	cases := []struct {
		golden string
		dir    string
		opts   LoadOptions
	}{
		{"quickstart", "quickstart", LoadOptions{}},
		{"web-and-db", "web-and-db", LoadOptions{}},
		{"web-and-db.prod", "web-and-db", LoadOptions{VarFiles: []string{filepath.Join(examples, "web-and-db", "prod.vars.hcl")}}},
		{"ci", "ci", LoadOptions{}},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			dir := filepath.Join(examples, c.dir)
			f, diags := Load(dir, c.opts)
			if len(diags) > 0 {
				t.Fatalf("example does not load cleanly:\n%s", diags.Error())
			}
			if f.Files == nil || f.Hash == "" {
				t.Fatalf("Load left Files or Hash empty")
			}
			golden.Check(t, filepath.Join(goldenDir, "examples", c.golden+".golden.json"), goldenModel(t, dir, f))
		})
	}
}

// TestExamplesFormatted checks that every example file is already in
// canonical format.
func TestExamplesFormatted(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "examples", "*", "*.hcl"))
	if len(files) < 5 {
		t.Fatalf("found only %d example files", len(files))
	}
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		got, diags := Format(src, name)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", name, diags.Error())
		}
		if d := UnifiedDiff(name, src, got); d != "" {
			t.Errorf("%s is not formatted:\n%s", name, d)
		}
	}
}
