package apply

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api/sandbox"
)

// benchProvisionDelay is the sandbox's provisioning time in the apply
// benchmarks: the wall time of an apply of creates should stay under twice
// that.
const benchProvisionDelay = 4 * time.Second

// benchmarkApplyCreates applies 1,000 creates to a new, empty sandbox per
// iteration (so no iteration meets the servers of another) and reports the
// requests the sandbox answered per apply, per server, and the wall time.
func benchmarkApplyCreates(b *testing.B, perServer bool) {
	const n = 1000
	plan := createPlan(names1000(n)...)
	var requests int64
	var wall time.Duration
	for b.Loop() {
		b.StopTimer()
		e := newSandbox(b, sandbox.Options{Empty: true, ProvisionDelay: benchProvisionDelay, TransitionDelay: time.Second})
		b.StartTimer()
		start := time.Now()
		opts := Options{Parallelism: 10}
		if perServer {
			opts = perServerPolling(opts)
		}
		res, err := Run(context.Background(), e.client, plan, opts)
		wall += time.Since(start)
		if err != nil || !res.OK() || res.Created != n {
			b.Fatalf("apply: err %v, ok %v, created %d", err, res != nil && res.OK(), res.Created)
		}
		requests += e.acct.Stats().Total
	}
	b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
	b.ReportMetric(float64(requests)/float64(b.N)/n, "requests/server")
	b.ReportMetric(wall.Seconds()/float64(b.N), "wall-s")
}

// names1000 returns web-0001 .. web-NNNN.
func names1000(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("web-%04d", i+1)
	}
	return out
}

// BenchmarkApply1000Creates: one shared poller lists the account for every
// waiting server.
func BenchmarkApply1000Creates(b *testing.B) { benchmarkApplyCreates(b, false) }

// BenchmarkApply1000CreatesPerServerPolling is the baseline: every waiting
// server GETs itself on every tick.
func BenchmarkApply1000CreatesPerServerPolling(b *testing.B) { benchmarkApplyCreates(b, true) }
