package engine_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply"
	"github.com/vpsfleet/vpsfleet/engine/planfile"
	"github.com/vpsfleet/vpsfleet/engine/render"

	et "github.com/vpsfleet/vpsfleet/internal/enginetest"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
	"github.com/vpsfleet/vpsfleet/schema"
)

// fxChange is the expected shape of one planned change.
type fxChange struct {
	name    string
	actions []engine.Action
	reason  string
}

// planAgainst reads the account and plans fleet against it.
func planAgainst(t *testing.T, c *api.Client, fleet *schema.Fleet) (*engine.Plan, []api.Server) {
	t.Helper()
	live, err := engine.ReadLive(context.Background(), c, fleet, engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, diags := engine.BuildPlan(fleet, live, engine.PlanOptions{})
	if diags.HasErrors() {
		t.Fatalf("plan: %v", diags)
	}
	return p, live
}

const sandboxFleet = `
fleet {
  owns = ["web-*", "db-*"]
}

defaults {
  location = "us-west"
  os_id    = 5
}

server "web" {
  count    = 3
  name     = format("web-%02d", count.index + 1)
  plan_id  = 1
  hostname = "web-${count.index + 1}.example.com"
}

server "db-01" {
  plan_id         = 2
  os_id           = 3
  location        = "us-east"
  backups_enabled = true
  power           = "off"
}

moved {
  from = "db-old"
  to   = "db-01"
}
`

func TestPlanAgainstSandbox(t *testing.T) {
	ctx := context.Background()
	c := et.NewSandbox(t, sandbox.Options{Empty: true}).Client
	seed := []api.CreateRequest{
		{Name: "web-01", PlanID: 1, OSID: 5, Location: "us-west", Hostname: "web-1.example.com"},
		{Name: "web-02", PlanID: 1, OSID: 5, Location: "us-west", Hostname: "old.example.com"},
		{Name: "web-09", PlanID: 1, OSID: 5, Location: "us-west"},
		{Name: "db-old", PlanID: 2, OSID: 3, Location: "us-east", BackupsEnabled: et.Ptr(true)},
		{Name: "mail", PlanID: 1, OSID: 5, Location: "us-east"},
	}
	for _, req := range seed {
		if _, err := c.CreateServer(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	fleet := et.LoadFleet(t, sandboxFleet)
	before := c.RequestCount()
	p, live := planAgainst(t, c, fleet)
	// One list page, and one detail GET per matched server (web-01,
	// web-02, db-old); none for web-09 and mail, which nothing compares.
	if got := c.RequestCount() - before; got != 4 {
		t.Errorf("reading the account took %d requests, want 4", got)
	}
	want := []fxChange{
		{"db-01", []engine.Action{engine.ActionRename, engine.ActionStop}, "renamed from db-old by moved block (fleet.hcl:26); power off requested, server is active"},
		{"web-02", []engine.Action{engine.ActionUpdate}, `hostname "old.example.com" → "web-2.example.com"`},
		{"web-03", []engine.Action{engine.ActionCreate}, "not in the account"},
		{"web-09", []engine.Action{engine.ActionDelete}, "not in the fleet, matched by owns web-*"},
	}
	var got []fxChange
	for _, c := range p.Changes {
		got = append(got, fxChange{c.Name, c.Actions, c.Reason})
	}
	if len(got) != len(want) {
		t.Fatalf("changes = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].name != want[i].name || !slices.Equal(got[i].actions, want[i].actions) || got[i].reason != want[i].reason {
			t.Errorf("change %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if p.Unmanaged != 1 {
		t.Errorf("unmanaged = %d, want 1 (mail)", p.Unmanaged)
	}

	// A saved plan stays fresh until someone touches a server it saw.
	sp := planfile.New(p, fleet, live, planfile.Made{Endpoint: "sandbox", At: time.Now()})
	again, err := engine.ReadLive(ctx, c, fleet, engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sp.CheckFresh(again); err != nil {
		t.Errorf("fresh account reported stale: %v", err)
	}
	if _, err := c.StopServer(ctx, live[0].ID); err != nil {
		t.Fatal(err)
	}
	again, err = engine.ReadLive(ctx, c, fleet, engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sp.CheckFresh(again); err == nil {
		t.Error("a stopped server went unnoticed")
	}
}

func TestExportRoundTripAgainstSandbox(t *testing.T) {
	ctx := context.Background()
	c := et.NewSandbox(t, sandbox.Options{}).Client // the documentation's two example servers
	for _, req := range []api.CreateRequest{
		{Name: "cold", PlanID: 2, OSID: 3, Location: "us-east", BackupsEnabled: et.Ptr(true)},
		{Name: "bare", PlanID: 1, OSID: 5, Location: "us-west"},
	} {
		s, err := c.CreateServer(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if req.Name == "cold" {
			if _, err := c.StopServer(ctx, s.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	live, err := c.ListServers(ctx, api.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range live {
		d, err := c.GetServer(ctx, live[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		live[i] = *d
	}
	src, err := schema.Export(engine.ExportServers(live))
	if err != nil {
		t.Fatal(err)
	}
	fleet := et.LoadFleet(t, string(src))
	if len(fleet.Servers) != len(live) {
		t.Fatalf("exported %d servers, loaded %d", len(live), len(fleet.Servers))
	}
	p, _ := planAgainst(t, c, fleet)
	if !p.Empty() {
		var b bytes.Buffer
		_ = render.Text(&b, p, false)
		t.Errorf("exported fleet plans changes:\n%s\nfleet:\n%s", b.String(), src)
	}
}

func TestPlanApplyPlanAgainstSandbox(t *testing.T) {
	ctx := context.Background()
	c := et.NewSandbox(t, sandbox.Options{Empty: true}).Client
	for _, req := range []api.CreateRequest{
		{Name: "web-02", PlanID: 2, OSID: 5, Location: "us-west"},
		{Name: "web-09", PlanID: 1, OSID: 5, Location: "us-west"},
		{Name: "db-old", PlanID: 2, OSID: 3, Location: "us-east"},
	} {
		if _, err := c.CreateServer(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	fleet := et.LoadFleet(t, sandboxFleet)
	p, _ := planAgainst(t, c, fleet)
	if p.Empty() {
		t.Fatal("nothing planned")
	}
	res, err := apply.Run(ctx, c, p, apply.Options{PollInterval: time.Millisecond, MaxPollInterval: 5 * time.Millisecond, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Fatalf("apply failed: %+v", res.Results)
	}
	if next, _ := planAgainst(t, c, fleet); !next.Empty() {
		t.Errorf("after apply the plan still has %+v", next.Changes)
	}
}
