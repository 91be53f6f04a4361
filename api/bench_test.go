package api_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
)

// BenchmarkListServers10000 lists an account of 10,000 servers in pages of
// 50 through the client over HTTP, and reports the requests each list
// takes.
func BenchmarkListServers10000(b *testing.B) {
	const n = 10000
	f := newFixture(b, false, sandbox.Options{Empty: true, PageSize: 50})
	specs := make([]sandbox.ServerSpec, n)
	for i := range specs {
		specs[i] = sandbox.ServerSpec{Name: fmt.Sprintf("web-%05d", i), PlanID: 1, OSID: 5, Location: "us-west", Hostname: fmt.Sprintf("web-%05d.example.com", i)}
	}
	if _, err := f.account.Import(specs); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	start := f.client.RequestCount()
	b.ResetTimer()
	for b.Loop() {
		servers, err := f.client.ListServers(ctx, api.ListOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if len(servers) != n {
			b.Fatalf("listed %d servers, want %d", len(servers), n)
		}
	}
	b.ReportMetric(float64(f.client.RequestCount()-start)/float64(b.N), "requests/op")
}
