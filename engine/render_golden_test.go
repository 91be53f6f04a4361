package engine

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/internal/golden"
	"github.com/vpsfleet/vpsfleet/schema"
)

// goldenDir holds this package's golden files.
var goldenDir = filepath.Join("..", "testdata", "engine")

// goldenPlans are the plans rendered into testdata/engine/plans/<case>/.
func goldenPlans(t *testing.T) map[string]*Plan {
	t.Helper()
	build := func(fleet *schema.Fleet, live []api.Server) *Plan {
		p, diags := BuildPlan(fleet, live, PlanOptions{})
		if diags.HasErrors() {
			t.Fatalf("golden plan has errors: %v", diags)
		}
		return p
	}
	return map[string]*Plan{
		"empty": build(&schema.Fleet{Servers: []schema.DesiredServer{fxDesired("web-01", 1)}},
			[]api.Server{fxLive(12345, "web-01"), fxLive(12346, "mail")}),
		"every-action": build(&schema.Fleet{
			Owns: []string{"web-*", "db-*"},
			Servers: []schema.DesiredServer{
				fxDesired("db-01", 3, fxWantPlanID(2), fxWantOSID(3), fxWantLocation("us-east"), fxWantBackups(true), fxCreateBeforeDestroy),
				fxDesired("db-02", 10, fxWantBackups(true)),
				fxDesired("web-01", 20, fxWantHost("web-1.example.com")),
				fxDesired("web-02", 20, fxWantHost("web-2.example.com"), fxWantOff),
				fxDesired("web-03", 20, fxWantHost("web-3.example.com"), fxSSHKey(42)),
				fxDesired("web-04", 20, fxWantOff),
				fxDesired("web-05", 20, fxWantPlanID(2), fxWantOff),
				fxDesired("web-06", 20),
				fxDesired("web-07", 20, fxWantOff),
			},
			Moves: []schema.Move{fxMove("db-old", "db-02", 30)},
		}, []api.Server{
			fxLive(12345, "db-01", fxHost("db01.example.com")),
			fxLive(12346, "db-old"),
			fxLive(12347, "web-01", fxHost("old.example.com")),
			fxLive(12348, "web-02", fxHost("web-2.example.com")),
			fxLive(12349, "web-04", fxStatus(api.StatusStopped)),
			fxLive(12350, "web-05", fxStatus(api.StatusStopped)),
			fxLive(12351, "web-06", fxStatus(api.StatusStopped)),
			fxLive(12352, "web-09"),
			fxLive(12353, "mail"),
		}),
		"warnings": build(&schema.Fleet{
			Owns:    []string{"web-*"},
			Servers: []schema.DesiredServer{fxDesired("web-01", 1, fxWantBackups(true)), fxDesired("web-02", 2)},
			Moves:   []schema.Move{fxMove("web-old", "web-02", 7)},
		}, []api.Server{
			fxLive(12345, "web-01", fxStatus(api.StatusSuspended)),
			fxLive(12346, "web-02"), fxLive(12347, "web-old"),
		}),
	}
}

func TestRenderGolden(t *testing.T) {
	renderers := map[string]func(*bytes.Buffer, *Plan) error{
		"plan.txt":  func(b *bytes.Buffer, p *Plan) error { return RenderText(b, p, false) },
		"plan.json": func(b *bytes.Buffer, p *Plan) error { return RenderJSON(b, p) },
		"plan.md":   func(b *bytes.Buffer, p *Plan) error { return RenderMarkdown(b, p) },
	}
	for name, p := range goldenPlans(t) {
		for file, render := range renderers {
			t.Run(name+"/"+file, func(t *testing.T) {
				var b bytes.Buffer
				if err := render(&b, p); err != nil {
					t.Fatal(err)
				}
				golden.Check(t, filepath.Join(goldenDir, "plans", name, file), b.Bytes())
			})
		}
	}
}

func TestRenderTextColour(t *testing.T) {
	p := goldenPlans(t)["every-action"]
	var plain, coloured bytes.Buffer
	if err := RenderText(&plain, p, false); err != nil {
		t.Fatal(err)
	}
	if err := RenderText(&coloured, p, true); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("plain rendering has escape codes")
	}
	if !strings.Contains(coloured.String(), "\x1b[32m+\x1b[0m") {
		t.Errorf("coloured rendering lacks a green +:\n%q", coloured.String())
	}
	stripped := ansiPattern.ReplaceAllString(coloured.String(), "")
	if stripped != plain.String() {
		t.Errorf("colour changed the text:\n%s\nvs\n%s", stripped, plain.String())
	}
}

func TestRenderNilPlan(t *testing.T) {
	var b bytes.Buffer
	for _, render := range []func() error{
		func() error { return RenderText(&b, nil, false) },
		func() error { return RenderJSON(&b, nil) },
		func() error { return RenderMarkdown(&b, nil) },
	} {
		if err := render(); err != nil {
			t.Error(err)
		}
	}
	if !strings.Contains(b.String(), NoChangesLine) || !strings.Contains(b.String(), `"changes": []`) {
		t.Errorf("nil plan rendered as:\n%s", b.String())
	}
}
