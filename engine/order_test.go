package engine

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	et "github.com/vpsfleet/vpsfleet/internal/enginetest"
	"github.com/vpsfleet/vpsfleet/schema"
)

// webTier declares web-01..web-NN (plan 2) with the rollout block given,
// and db-01, db-02, on which web depends.
func webTier(n int, rollout string) string {
	return fmt.Sprintf(`
defaults {
  os_id    = 5
  location = "us-west"
}
server "db" {
  count   = 2
  name    = format("db-%%02d", count.index + 1)
  plan_id = 1
}
server "web" {
  count      = %d
  name       = format("web-%%02d", count.index + 1)
  plan_id    = 2
  depends_on = ["db"]
  %s
}
`, n, rollout)
}

// liveWeb is web-01..web-NN live, plan 1, with the status each has
// (active unless given), ids from 100.
func liveWeb(n int, status map[int]api.Status) []api.Server {
	var out []api.Server
	for i := 1; i <= n; i++ {
		st := api.StatusActive
		if s, ok := status[i]; ok {
			st = s
		}
		out = append(out, et.Live(int64(99+i), fmt.Sprintf("web-%02d", i), et.Status(st)))
	}
	return out
}

func liveDB() []api.Server {
	return []api.Server{et.Live(1, "db-01"), et.Live(2, "db-02")}
}

// batches lists "name:batch" for every change with a batch.
func batches(p *Plan) []string {
	var out []string
	for _, c := range p.Changes {
		if c.Batch > 0 {
			out = append(out, fmt.Sprintf("%s:%d", c.Name, c.Batch))
		}
	}
	return out
}

func TestOrderCutsARolloutIntoBatches(t *testing.T) {
	fleet := et.LoadFleet(t, webTier(20, `rollout {
    max_unavailable = "10%"
    pause           = "30s"
    health_check {
      command = ["./check.sh", "--quick"]
      retries = 2
    }
  }`))
	p, diags := BuildPlan(fleet, append(liveDB(), liveWeb(20, nil)...), PlanOptions{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if p.Summary.Replace != 20 {
		t.Fatalf("summary %+v", p.Summary)
	}
	var want []string
	for i := 1; i <= 20; i++ {
		want = append(want, fmt.Sprintf("web-%02d:%d", i, (i+1)/2))
	}
	if got := batches(p); !slices.Equal(got, want) {
		t.Errorf("batches:\n got %v\nwant %v", got, want)
	}
	web := p.Group("web")
	if web == nil || web.Rollout == nil {
		t.Fatalf("no rollout for web: %+v", p.Groups)
	}
	r := *web.Rollout
	hc := r.HealthCheck
	r.HealthCheck = nil
	if want := (Rollout{MaxUnavailable: 2, Written: "10%", Pause: 30 * time.Second, Changes: 20, Batches: 10, BatchSize: 2}); r != want {
		t.Errorf("rollout %+v, want %+v", r, want)
	}
	if hc == nil || !slices.Equal(hc.Command, []string{"./check.sh", "--quick"}) || hc.Retries != 2 ||
		hc.Timeout != schema.DefaultHealthCheckTimeout || hc.Dir != filepath.Dir(fleet.Servers[0].Range.Filename) {
		t.Errorf("health check %+v", hc)
	}
	if web.Servers != 20 || web.Down != 0 || !slices.Equal(web.DependsOn, []string{"db"}) {
		t.Errorf("web group %+v", web)
	}
	if labels := groupOrder(p); !slices.Equal(labels, []string{"db", "web"}) {
		t.Errorf("groups in the order %v, want db before web", labels)
	}
	for _, c := range p.Changes {
		if !slices.Equal(c.WaitsFor, []string{"db"}) || c.Group != "web" {
			t.Errorf("%s: group %q, waits for %v; want web, [db]", c.Name, c.Group, c.WaitsFor)
		}
	}
	if err := p.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
}

func groupOrder(p *Plan) []string {
	var out []string
	for _, g := range p.Groups {
		out = append(out, g.Label)
	}
	return out
}

// TestOrderCountsServersAlreadyDown: the servers of a group that are down
// count against max_unavailable; those this plan does not bring back
// shrink the batches, those it brings back or that settle on their own
// do not.
func TestOrderCountsServersAlreadyDown(t *testing.T) {
	fleet := et.LoadFleet(t, webTier(6, `rollout { max_unavailable = 2 }`))
	tests := []struct {
		name     string
		live     []api.Server
		batches  []string
		down     int
		settling []string
		warn     string
	}{
		{
			name:    "all active",
			live:    liveWeb(6, nil),
			batches: []string{"web-01:1", "web-02:1", "web-03:2", "web-04:2", "web-05:3", "web-06:3"},
		},
		{
			// web-05 is suspended (meant on, and no change can bring it
			// back): batches of one; web-06 is not made yet (its create
			// brings it back): no effect on the batches.
			name:    "one suspended, one missing",
			live:    append(liveWeb(4, nil), et.Live(104, "web-05", et.Status(api.StatusSuspended), et.PlanID(2))),
			batches: []string{"web-01:1", "web-02:2", "web-03:3", "web-04:4"},
			down:    2,
		},
		{
			// web-05 was stopped: its replacement brings it back, so it is
			// down but not a batch of its own.
			name:    "one stopped",
			live:    liveWeb(6, map[int]api.Status{5: api.StatusStopped}),
			batches: []string{"web-01:1", "web-02:1", "web-03:2", "web-04:2", "web-06:3"},
			down:    1,
		},
		{
			name:     "one provisioning on its own",
			live:     append(liveWeb(5, nil), et.Live(105, "web-06", et.Status(api.StatusProvisioning), et.PlanID(2))),
			batches:  []string{"web-01:1", "web-02:1", "web-03:2", "web-04:2", "web-05:3"},
			down:     1,
			settling: []string{"web-06"},
		},
		{
			name: "no room",
			live: append(liveWeb(4, nil),
				et.Live(104, "web-05", et.Status(api.StatusSuspended), et.PlanID(2)),
				et.Live(105, "web-06", et.Status(api.StatusSuspended), et.PlanID(2))),
			batches: []string{"web-01:1", "web-02:2", "web-03:3", "web-04:4"},
			down:    2,
			warn:    "web: 2 servers meant to be on are down and this plan does not bring them back",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, diags := BuildPlan(fleet, append(liveDB(), tt.live...), PlanOptions{})
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if got := batches(p); !slices.Equal(got, tt.batches) {
				t.Errorf("batches %v, want %v", got, tt.batches)
			}
			web := p.Group("web")
			var settling []string
			for _, s := range web.Settling {
				settling = append(settling, s.Name)
			}
			if web.Down != tt.down || !slices.Equal(settling, tt.settling) {
				t.Errorf("down %d, settling %v; want %d, %v", web.Down, settling, tt.down, tt.settling)
			}
			warned := strings.Join(p.Warnings, "\n")
			if tt.warn != "" && !strings.Contains(warned, tt.warn) || tt.warn == "" && strings.Contains(warned, "no room") {
				t.Errorf("warnings %q, want %q", warned, tt.warn)
			}
		})
	}
}

// TestOrderPacesStops: power = "off" on a group with a rollout stops its
// running servers in batches; servers already stopped are no change.
func TestOrderPacesStops(t *testing.T) {
	fleet := et.LoadFleet(t, `
server "web" {
  count    = 10
  name     = format("web-%02d", count.index + 1)
  plan_id  = 1
  os_id    = 5
  location = "us-west"
  power    = "off"
  rollout { max_unavailable = "20%" }
}`)
	p, diags := BuildPlan(fleet, liveWeb(10, map[int]api.Status{10: api.StatusStopped}), PlanOptions{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	want := []string{"web-01:1", "web-02:1", "web-03:2", "web-04:2", "web-05:3", "web-06:3", "web-07:4", "web-08:4", "web-09:5"}
	if got := batches(p); !slices.Equal(got, want) {
		t.Errorf("batches %v, want %v", got, want)
	}
	if r := p.Group("web").Rollout; r.MaxUnavailable != 2 || r.Batches != 5 {
		t.Errorf("rollout %+v", r)
	}
}

// TestOrderRunsDeletesInReverse: a delete waits for the deletes of the
// groups that depend on its group; creates wait for their dependencies.
func TestOrderRunsDeletesInReverse(t *testing.T) {
	fleet := et.LoadFleet(t, `
defaults {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}
server "db" {}
server "cache" { depends_on = ["db"] }
server "web" {
  count      = 2
  name       = "web-${count.index}"
  depends_on = ["cache", "db"]
}
server "mail" {}`)
	live := []api.Server{et.Live(1, "db"), et.Live(2, "cache"), et.Live(3, "web-0"), et.Live(4, "web-1"), et.Live(5, "mail")}
	p, diags := BuildDestroyPlan(fleet, live, PlanOptions{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	waits := map[string][]string{}
	for _, c := range p.Changes {
		waits[c.Name] = c.WaitsFor
	}
	want := map[string][]string{"db": {"cache", "web"}, "cache": {"web"}, "web-0": nil, "web-1": nil, "mail": nil}
	for name, w := range want {
		if !slices.Equal(waits[name], w) {
			t.Errorf("%s waits for %v, want %v", name, waits[name], w)
		}
	}
	if got := groupOrder(p); !slices.Equal(got, []string{"db", "cache", "web"}) {
		t.Errorf("groups %v, want db, cache, web (mail orders nothing)", got)
	}

	created, diags := BuildPlan(fleet, nil, PlanOptions{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, c := range created.Changes {
		var want []string
		switch c.Group {
		case "cache":
			want = []string{"db"}
		case "web":
			want = []string{"cache", "db"}
		}
		if !slices.Equal(c.WaitsFor, want) {
			t.Errorf("create %s waits for %v, want %v", c.Name, c.WaitsFor, want)
		}
	}
}

// TestOrderGroupsAShrinkingCount: the delete of a server a smaller count
// leaves belongs to the count's group, so that it waits for dependants.
func TestOrderGroupsAShrinkingCount(t *testing.T) {
	fleet := et.LoadFleet(t, `
fleet { owns = ["db-*", "app-*"] }
defaults {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}
server "db" {
  count = 1
  name  = "db-${count.index + 1}"
}
server "app" {
  count      = 1
  name       = "app-${count.index + 1}"
  depends_on = ["db"]
}`)
	live := []api.Server{et.Live(1, "db-1"), et.Live(2, "db-2"), et.Live(3, "app-1"), et.Live(4, "app-2")}
	p, diags := BuildPlan(fleet, live, PlanOptions{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, c := range p.Changes {
		want := map[string][]string{"db-2": {"app"}, "app-2": nil}[c.Name]
		if c.Group == "" || !slices.Equal(c.WaitsFor, want) {
			t.Errorf("%s: group %q waits for %v, want %v", c.Name, c.Group, c.WaitsFor, want)
		}
	}
}

func TestBuildRebootPlan(t *testing.T) {
	fleet := et.LoadFleet(t, webTier(4, `rollout {
    max_unavailable = 2
    health_check { command = ["true"] }
  }`))
	// web-03 is stopped, and a reboot does not start it: it takes one
	// of web's max_unavailable for the whole reboot.
	live := append(liveDB(), liveWeb(4, map[int]api.Status{3: api.StatusStopped})...)
	for _, tt := range []struct {
		name    string
		opts    RebootOptions
		batches []string
	}{
		{"the fleet's rollouts", RebootOptions{},
			[]string{"db-01:1", "db-02:2", "web-01:1", "web-02:2", "web-04:3"}},
		{"-max-unavailable 3", RebootOptions{MaxUnavailable: &schema.MaxUnavailable{Count: 3}},
			[]string{"db-01:1", "db-02:1", "web-01:1", "web-02:1", "web-04:2"}},
		{"-target web-0[12]", RebootOptions{Targets: schema.GlobSet{"web-0[12]"}},
			[]string{"web-01:1", "web-02:2"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, diags := BuildRebootPlan(fleet, live, tt.opts)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if got := batches(p); !slices.Equal(got, tt.batches) {
				t.Errorf("batches %v, want %v", got, tt.batches)
			}
			for _, c := range p.Changes {
				if !slices.Equal(c.Actions, []Action{ActionReboot}) || c.Before == nil || c.After == nil || c.After.Status != "" {
					t.Errorf("%s: %+v", c.Name, c)
				}
			}
			if p.Summary.Reboot != len(p.Changes) {
				t.Errorf("summary %+v", p.Summary)
			}
			if err := p.Check(); err != nil {
				t.Errorf("Check: %v", err)
			}
			if len(tt.opts.Targets) == 0 && !strings.Contains(strings.Join(p.Warnings, "\n"), "web-03 (id 102) is stopped, not active") {
				t.Errorf("no warning about the stopped server: %q", p.Warnings)
			}
		})
	}
}

func TestCheckRefusesAnOrderThePlanDoesNotHold(t *testing.T) {
	base := func() *Plan {
		fleet := et.LoadFleet(t, webTier(2, `rollout { max_unavailable = 1 }`))
		p, _ := BuildPlan(fleet, append(liveDB(), liveWeb(2, nil)...), PlanOptions{})
		return p
	}
	for name, edit := range map[string]func(p *Plan){
		"a batch past the last":   func(p *Plan) { p.Changes[0].Batch = 9 },
		"a batch of no rollout":   func(p *Plan) { p.Groups[1].Rollout = nil },
		"a group not in the plan": func(p *Plan) { p.Changes[0].WaitsFor = []string{"cache"} },
		"a reboot with a create":  func(p *Plan) { p.Changes[0].Actions = []Action{ActionReboot, ActionStop} },
	} {
		t.Run(name, func(t *testing.T) {
			p := base()
			if err := p.Check(); err != nil {
				t.Fatalf("the plan before the edit: %v", err)
			}
			edit(p)
			if err := p.Check(); err == nil {
				t.Errorf("Check accepts %s", name)
			}
		})
	}
}
