package planfile

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/render"
)

// FuzzReadSavedPlan: any bytes in a plan file give an error or a plan that
// passes Check and renders, never a panic.
func FuzzReadSavedPlan(f *testing.F) {
	f.Add([]byte(`{"format":"vpsfleet-plan","version":1,"plan":{"format_version":"1","changes":[]}}`))
	f.Add([]byte(`{"format":"vpsfleet-plan","version":1,"plan":{"changes":[{"name":"a","actions":["update"],"before":{"id":1,"name":"a"}}]}}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "fuzz.plan")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		sp, err := Read(path)
		if err != nil {
			return
		}
		if err := sp.Plan.Check(); err != nil {
			t.Fatalf("ReadSavedPlan returned a plan that fails Check: %v", err)
		}
		for _, view := range []func(io.Writer, *engine.Plan) error{
			render.JSON, render.Markdown,
			func(w io.Writer, p *engine.Plan) error { return render.Text(w, p, true) },
		} {
			if err := view(io.Discard, sp.Plan); err != nil {
				t.Fatalf("rendering a plan read back: %v", err)
			}
		}
	})
}

// TestReadSavedPlanRefusesContradictions: an edited plan file whose change
// both creates and deletes a server is refused when read, before apply
// could act on it.
func TestReadSavedPlanRefusesContradictions(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzReadSavedPlan", "create-and-delete"))
	if err != nil {
		t.Fatal(err)
	}
	body := strings.TrimSuffix(strings.TrimPrefix(string(data), "go test fuzz v1\n[]byte("), ")\n")
	plan, err := strconv.Unquote(body)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "edited.plan")
	if err := os.WriteFile(path, []byte(plan), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(path); err == nil || !strings.Contains(err.Error(), "mix a delete") {
		t.Errorf("ReadSavedPlan = %v, want the contradiction refused", err)
	}
}
