package engine

import (
	"context"
	"fmt"
	"testing"

	et "github.com/vpsfleet/vpsfleet/internal/enginetest"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
	"github.com/vpsfleet/vpsfleet/schema"
)

// BenchmarkPlan10000 plans 10,000 desired servers against 10,000 live
// ones in memory: most match, some need updates, replaces, power changes,
// renames, creates and deletes. Target: under 50 ms and 50 MB an op.
func BenchmarkPlan10000(b *testing.B) {
	const n = 10000
	fleet := &schema.Fleet{Owns: []string{"web-*", "old-*"}}
	live := make([]api.Server, 0, n)
	for i := range n {
		name := fmt.Sprintf("web-%05d", i)
		d := et.Desired(name, i+1, et.WantHost(name+".example.com"))
		s := et.Live(int64(i+1), name, et.Host(name+".example.com"))
		switch i % 10 {
		case 1:
			s.Hostname = "stale.example.com"
		case 2:
			s.Plan.ID = 2
		case 3:
			s.Status = "stopped"
		case 4:
			s.Name = fmt.Sprintf("old-%05d", i)
			fleet.Moves = append(fleet.Moves, et.Move(s.Name, name, i))
		case 5:
			s.Name = fmt.Sprintf("web-x%05d", i) // deleted; name is created
		}
		fleet.Servers = append(fleet.Servers, d)
		live = append(live, s)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		p, diags := BuildPlan(fleet, live, PlanOptions{})
		if diags.HasErrors() || len(p.Changes) != 6*n/10 {
			b.Fatalf("%d changes, diags %v", len(p.Changes), diags)
		}
	}
}

// BenchmarkNoopPlan1000Sandbox reads and plans a sandbox account of 1,000
// managed servers that already match the fleet, over HTTP. The requests
// are the list pages (50 servers each) plus one detail GET per managed
// server, for backups_enabled. Target: under 2 s an op.
func BenchmarkNoopPlan1000Sandbox(b *testing.B) {
	const n = 1000
	e := et.NewSandbox(b, sandbox.Options{Empty: true})
	c, acct := e.Client, e.Acct
	specs := make([]sandbox.ServerSpec, n)
	fleet := &schema.Fleet{Owns: []string{"web-*"}}
	for i := range n {
		name := fmt.Sprintf("web-%04d", i)
		specs[i] = sandbox.ServerSpec{Name: name, PlanID: 1, OSID: 5, Location: "us-west",
			Hostname: name + ".example.com", BackupsEnabled: i%2 == 0}
		fleet.Servers = append(fleet.Servers, et.Desired(name, i+1, et.WantHost(name+".example.com"), et.WantBackups(i%2 == 0)))
	}
	if _, err := acct.Import(specs); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	start := c.RequestCount()
	b.ResetTimer()
	for b.Loop() {
		live, err := ReadLive(ctx, c, fleet, PlanOptions{})
		if err != nil {
			b.Fatal(err)
		}
		p, diags := BuildPlan(fleet, live, PlanOptions{})
		if diags.HasErrors() || !p.Empty() {
			b.Fatalf("no-op plan has %d changes, diags %v", len(p.Changes), diags)
		}
	}
	b.ReportMetric(float64(c.RequestCount()-start)/float64(b.N), "requests/op")
}
