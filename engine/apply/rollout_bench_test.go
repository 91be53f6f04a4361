package apply

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api/sandbox"
	"github.com/vpsfleet/vpsfleet/engine"
	et "github.com/vpsfleet/vpsfleet/internal/enginetest"
	"github.com/vpsfleet/vpsfleet/schema"
)

// benchmarkReplace100 replaces 100 servers (plan 1 → 2) of one group in
// a sandbox served over HTTP that provisions for benchProvisionDelay,
// with the rollout given (nil: all at once), a new account per
// iteration. It reports the wall time, how many provisioning times it
// makes, and the requests the sandbox answered during the apply per
// server (the planning's reads are not counted).
func benchmarkReplace100(b *testing.B, rollout *schema.Rollout) {
	const n = 100
	fleet := &schema.Fleet{}
	var specs []sandbox.ServerSpec
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("web-%03d", i)
		fleet.Servers = append(fleet.Servers, et.Desired(name, 1, et.WantPlanID(2), func(d *schema.DesiredServer) {
			d.Group, d.Rollout = "web", rollout
		}))
		specs = append(specs, spec(name))
	}
	var requests, pages, gets int64
	var wall time.Duration
	batches := 0
	for b.Loop() {
		b.StopTimer()
		e := newSandbox(b, sandbox.Options{Empty: true, ProvisionDelay: benchProvisionDelay, TransitionDelay: time.Second})
		e.seed(b, specs...)
		live := e.list(b)
		p, diags := engine.BuildPlan(fleet, live, engine.PlanOptions{})
		if diags.HasErrors() || p.Summary.Replace != n {
			b.Fatalf("plan: %v, %+v", diags, p.Summary)
		}
		if g := p.Group("web"); g != nil && g.Rollout != nil {
			batches = g.Rollout.Batches
		}
		known := make([]int64, len(live))
		for i, s := range live {
			known[i] = s.ID
		}
		before := e.acct.Stats()
		b.StartTimer()
		start := time.Now()
		res, err := Run(context.Background(), e.client, p, Options{Parallelism: 10, KnownIDs: known})
		wall += time.Since(start)
		if err != nil || !res.OK() {
			b.Fatalf("apply: err %v, results %+v", err, res)
		}
		after := e.acct.Stats()
		requests += after.Total - before.Total
		pages += after.Requests["GET /api/v1/servers/"] - before.Requests["GET /api/v1/servers/"]
		gets += after.Requests["GET /api/v1/servers/{id}/"] - before.Requests["GET /api/v1/servers/{id}/"]
	}
	perServer := float64(requests) / float64(b.N) / n
	rounds := wall.Seconds() / float64(b.N) / benchProvisionDelay.Seconds()
	b.ReportMetric(perServer, "requests/server")
	b.ReportMetric(wall.Seconds()/float64(b.N), "wall-s")
	b.ReportMetric(rounds, "provisioning-rounds")
	b.Logf("replace of %d servers, %d batches: %.1f s wall = %.1f provisioning rounds of %s; %.2f requests per server (list pages %.1f, GETs %.1f a run)",
		n, max(batches, 1), wall.Seconds()/float64(b.N), rounds, benchProvisionDelay, perServer,
		float64(pages)/float64(b.N), float64(gets)/float64(b.N))
}

// BenchmarkApplyReplace100Rolling: a rolling replace of 100 servers with
// max_unavailable 10 takes about ten provisioning rounds, one per batch.
// A delete needs no look (its 204 is the answer). The poller learns the
// provisioning time in the first batch, coarser than in a one-round apply
// (the rollout has ten rounds to spread it over), and looks at each later
// batch when it is due, on the last page of the account only (a tail);
// while its bounds are apart that page is also the look that halves them.
// The last batch's look is the whole list, which the final check reuses.
func BenchmarkApplyReplace100Rolling(b *testing.B) {
	benchmarkReplace100(b, &schema.Rollout{MaxUnavailable: schema.MaxUnavailable{Count: 10}})
}

// BenchmarkApplyReplace100Plain is the baseline: the same replace, all at
// once.
func BenchmarkApplyReplace100Plain(b *testing.B) { benchmarkReplace100(b, nil) }
