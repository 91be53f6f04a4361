package render

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/vpsfleet/vpsfleet/engine"
	et "github.com/vpsfleet/vpsfleet/internal/enginetest"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/internal/golden"
	"github.com/vpsfleet/vpsfleet/schema"
)

// goldenDir holds this package's golden files.
var goldenDir = filepath.Join("..", "..", "testdata", "render")

// goldenPlans are the plans rendered into testdata/render/plans/<case>/.
func goldenPlans(t *testing.T) map[string]*engine.Plan {
	t.Helper()
	build := func(fleet *schema.Fleet, live []api.Server) *engine.Plan {
		p, diags := engine.BuildPlan(fleet, live, engine.PlanOptions{})
		if diags.HasErrors() {
			t.Fatalf("golden plan has errors: %v", diags)
		}
		return p
	}
	destroy := func(fleet *schema.Fleet, live []api.Server) *engine.Plan {
		p, diags := engine.BuildDestroyPlan(fleet, live, engine.PlanOptions{})
		if diags.HasErrors() {
			t.Fatalf("golden destroy plan has errors: %v", diags)
		}
		return p
	}
	return map[string]*engine.Plan{
		"empty": build(&schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1)}},
			[]api.Server{et.Live(12345, "web-01"), et.Live(12346, "mail")}),
		"every-action": build(&schema.Fleet{
			Owns: []string{"web-*", "db-*"},
			Servers: []schema.DesiredServer{
				et.Desired("db-01", 3, et.WantPlanID(2), et.WantOSID(3), et.WantLocation("us-east"), et.WantBackups(true), et.CreateBeforeDestroy),
				et.Desired("db-02", 10, et.WantBackups(true)),
				et.Desired("web-01", 20, et.WantHost("web-1.example.com")),
				et.Desired("web-02", 20, et.WantHost("web-2.example.com"), et.WantOff),
				et.Desired("web-03", 20, et.WantHost("web-3.example.com"), et.SSHKey(42)),
				et.Desired("web-04", 20, et.WantOff),
				et.Desired("web-05", 20, et.WantPlanID(2), et.WantOff),
				et.Desired("web-06", 20),
				et.Desired("web-07", 20, et.WantOff),
			},
			Moves: []schema.Move{et.Move("db-old", "db-02", 30)},
		}, []api.Server{
			et.Live(12345, "db-01", et.Host("db01.example.com")),
			et.Live(12346, "db-old"),
			et.Live(12347, "web-01", et.Host("old.example.com")),
			et.Live(12348, "web-02", et.Host("web-2.example.com")),
			et.Live(12349, "web-04", et.Status(api.StatusStopped)),
			et.Live(12350, "web-05", et.Status(api.StatusStopped)),
			et.Live(12351, "web-06", et.Status(api.StatusStopped)),
			et.Live(12352, "web-09"),
			et.Live(12353, "mail"),
		}),
		"destroy": destroy(&schema.Fleet{
			Owns:    []string{"web-*"},
			Protect: []string{"db-*"},
			Servers: []schema.DesiredServer{et.Desired("db-01", 1), et.Desired("web-01", 2), et.Desired("web-02", 3, et.PreventDestroy), et.Desired("web-03", 4)},
		}, []api.Server{et.Live(12345, "db-01"), et.Live(12346, "web-01"), et.Live(12347, "web-02"), et.Live(12348, "web-09"), et.Live(12349, "mail")}),
		// A server named like a declared one, left running because no
		// owns pattern covers it, and two unmanaged servers besides.
		"undeclared": build(&schema.Fleet{Servers: []schema.DesiredServer{et.Desired("db-01", 1)}},
			[]api.Server{et.Live(12345, "db-01"), et.Live(12346, "db-02"), et.Live(12347, "mail"), et.Live(12348, "db-server-01")}),
		"rollout": build(rolloutFleet(), rolloutLive()),
		"warnings": build(&schema.Fleet{
			Owns:    []string{"web-*"},
			Servers: []schema.DesiredServer{et.Desired("web-01", 1, et.WantBackups(true)), et.Desired("web-02", 2)},
			Moves:   []schema.Move{et.Move("web-old", "web-02", 7)},
		}, []api.Server{
			et.Live(12345, "web-01", et.Status(api.StatusSuspended)),
			et.Live(12346, "web-02"), et.Live(12347, "web-old"),
		}),
	}
}

// rolloutFleet is a web tier whose plan changes, with a rollout block
// and depends_on: db-01 and db-02 (db-02 to create), web-01..web-06
// (plan 2, after db, 34% at a time, a pause, a health check), and
// worker-1..3 to stop one at a time.
func rolloutFleet() *schema.Fleet {
	at := func(line int) hcl.Range {
		return hcl.Range{Filename: "fleet.hcl", Start: hcl.Pos{Line: line, Column: 3}, End: hcl.Pos{Line: line, Column: 10}}
	}
	web := &schema.Rollout{
		MaxUnavailable: schema.MaxUnavailable{Percent: 34}, Pause: 30 * time.Second, MaxFailures: 1,
		HealthCheck: &schema.HealthCheck{Command: []string{"./check.sh", "--port", "8080"}, Timeout: 10 * time.Second, Interval: 5 * time.Second, Retries: 6},
		Range:       at(12),
	}
	worker := &schema.Rollout{MaxUnavailable: schema.MaxUnavailable{Count: 1}, Range: at(30)}
	group := func(label string, deps []string, r *schema.Rollout) func(*schema.DesiredServer) {
		return func(d *schema.DesiredServer) { d.Group, d.DependsOn, d.Rollout = label, deps, r }
	}
	f := &schema.Fleet{Owns: []string{"web-*", "db-*", "worker-*"}}
	f.Servers = append(f.Servers, et.Desired("db-01", 1, group("db", nil, nil)), et.Desired("db-02", 1, group("db", nil, nil)))
	for i := 1; i <= 6; i++ {
		f.Servers = append(f.Servers, et.Desired(fmt.Sprintf("web-%02d", i), 10, et.WantPlanID(2), group("web", []string{"db"}, web)))
	}
	for i := 1; i <= 3; i++ {
		f.Servers = append(f.Servers, et.Desired(fmt.Sprintf("worker-%d", i), 30, et.WantOff, group("worker", nil, worker)))
	}
	return f
}

// rolloutLive is the account rolloutFleet is planned against: web-06 is
// stopped (its replacement brings it back) and web-07 is left by a
// smaller count.
func rolloutLive() []api.Server {
	live := []api.Server{et.Live(12345, "db-01")}
	for i := 1; i <= 7; i++ {
		st := api.StatusActive
		if i == 6 {
			st = api.StatusStopped
		}
		live = append(live, et.Live(int64(12345+i), fmt.Sprintf("web-%02d", i), et.Status(st)))
	}
	for i := 1; i <= 3; i++ {
		live = append(live, et.Live(int64(12360+i), fmt.Sprintf("worker-%d", i)))
	}
	return live
}

func TestRenderGolden(t *testing.T) {
	renderers := map[string]func(*bytes.Buffer, *engine.Plan) error{
		"plan.txt":  func(b *bytes.Buffer, p *engine.Plan) error { return Text(b, p, false) },
		"plan.json": func(b *bytes.Buffer, p *engine.Plan) error { return JSON(b, p) },
		"plan.md":   func(b *bytes.Buffer, p *engine.Plan) error { return Markdown(b, p) },
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

// TestRenderTextShowUnmanaged: plan -show-unmanaged lists the servers
// the plan leaves alone, by name and id.
func TestRenderTextShowUnmanaged(t *testing.T) {
	var b bytes.Buffer
	if err := TextWith(&b, goldenPlans(t)["undeclared"], TextOptions{ShowUnmanaged: true}); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join(goldenDir, "plans", "undeclared", "plan-show-unmanaged.txt"), b.Bytes())
	for _, want := range []string{"  db-02 (id 12346), named like db-01\n", "  mail (id 12347)\n", "  db-server-01 (id 12348)\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the list lacks %q:\n%s", want, b.String())
		}
	}
}

func TestRenderTextColour(t *testing.T) {
	p := goldenPlans(t)["every-action"]
	var plain, coloured bytes.Buffer
	if err := Text(&plain, p, false); err != nil {
		t.Fatal(err)
	}
	if err := Text(&coloured, p, true); err != nil {
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
		func() error { return Text(&b, nil, false) },
		func() error { return JSON(&b, nil) },
		func() error { return Markdown(&b, nil) },
	} {
		if err := render(); err != nil {
			t.Error(err)
		}
	}
	if !strings.Contains(b.String(), NoChangesLine) || !strings.Contains(b.String(), `"changes": []`) {
		t.Errorf("nil plan rendered as:\n%s", b.String())
	}
}
