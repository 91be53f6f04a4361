package api_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
	"github.com/vpsfleet/vpsfleet/internal/plainclient"
)

// The requests of a no-op plan at 10,000 servers: list every page, then
// read every server's detail, 10 requests in flight. The same requests are
// made by the simplest client net/http allows and by api.Client, against
// one sandbox account served over HTTP; api.Client's budget is 1.3× the
// simple client's wall time.

const (
	noOpServers     = 10000
	noOpParallelism = 10
)

// noOpAccount is a sandbox account of noOpServers servers served over
// HTTP on a listener that counts connections.
type noOpAccount struct {
	account *sandbox.Account
	url     string
	conns   *countingListener
}

func newNoOpAccount(b *testing.B) *noOpAccount {
	b.Helper()
	acct, err := sandbox.New(sandbox.Options{Token: sandboxToken, Empty: true, Seed: 1, PageSize: 50, Now: newClock().Now})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { acct.Close() })
	specs := make([]sandbox.ServerSpec, noOpServers)
	for i := range specs {
		specs[i] = sandbox.ServerSpec{Name: fmt.Sprintf("web-%05d", i), PlanID: 1, OSID: 5, Location: "us-west", Hostname: fmt.Sprintf("web-%05d.example.com", i)}
	}
	if _, err := acct.Import(specs); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(acct)
	ln := &countingListener{Listener: srv.Listener}
	srv.Listener = ln
	srv.Start()
	b.Cleanup(srv.Close)
	return &noOpAccount{account: acct, url: srv.URL, conns: ln}
}

// clientNoOpPlan makes the same requests through api.Client.
func clientNoOpPlan(c *api.Client) (int, error) {
	ctx := context.Background()
	servers, err := c.ListServers(ctx, api.ListOptions{})
	if err != nil {
		return 0, err
	}
	ids := make([]int64, len(servers))
	for i, s := range servers {
		ids[i] = s.ID
	}
	err = plainclient.Each(ids, noOpParallelism, func(id int64) error {
		_, err := c.GetServer(ctx, id)
		return err
	})
	return len(ids), err
}

// BenchmarkNoOpPlan10000 makes the requests of a no-op plan of 10,000
// servers (200 list pages, then 10,000 GETs, 10 in flight) with the
// simplest net/http client ("plain") and with api.Client ("client"), and
// reports the requests and TCP connections each plan takes; "ratio" runs
// both in turn and reports client/plain, the ratio of their wall times.
// The target: at most 1.3.
func BenchmarkNoOpPlan10000(b *testing.B) {
	b.Run("plain", func(b *testing.B) {
		acct := newNoOpAccount(b)
		p := plainclient.New(acct.url, sandboxToken, noOpParallelism)
		benchNoOp(b, acct, p.NoOpPlan)
	})
	b.Run("client", func(b *testing.B) {
		acct := newNoOpAccount(b)
		c, err := api.New(acct.url, sandboxToken, api.WithParallelism(noOpParallelism))
		if err != nil {
			b.Fatal(err)
		}
		benchNoOp(b, acct, func() (int, error) { return clientNoOpPlan(c) })
	})
	// Both, taking turns on one account, so that the load of the machine
	// weighs on both alike: the ratio of their wall times.
	b.Run("ratio", func(b *testing.B) {
		acct := newNoOpAccount(b)
		p := plainclient.New(acct.url, sandboxToken, noOpParallelism)
		c, err := api.New(acct.url, sandboxToken, api.WithParallelism(noOpParallelism))
		if err != nil {
			b.Fatal(err)
		}
		plans := []func() (int, error){p.NoOpPlan, func() (int, error) { return clientNoOpPlan(c) }}
		var spent [2]time.Duration
		turn := 0
		for b.Loop() {
			// Alternate which goes first, so neither always runs warm.
			for k := range 2 {
				i := (k + turn) % 2
				start := time.Now()
				if n, err := plans[i](); err != nil || n != noOpServers {
					b.Fatalf("plan %d: %d servers, %v", i, n, err)
				}
				spent[i] += time.Since(start)
			}
			turn++
		}
		b.ReportMetric(float64(spent[0].Milliseconds())/float64(b.N), "plain-ms/op")
		b.ReportMetric(float64(spent[1].Milliseconds())/float64(b.N), "client-ms/op")
		b.ReportMetric(float64(spent[1])/float64(spent[0]), "client/plain")
	})
}

// benchNoOp runs plan once per iteration against acct and reports the
// requests and connections an iteration took.
func benchNoOp(b *testing.B, acct *noOpAccount, plan func() (int, error)) {
	b.Helper()
	reqs, conns := acct.account.Stats().Total, acct.conns.accepted.Load()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n, err := plan()
		if err != nil {
			b.Fatal(err)
		}
		if n != noOpServers {
			b.Fatalf("read %d servers, want %d", n, noOpServers)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(acct.account.Stats().Total-reqs)/float64(b.N), "requests/op")
	b.ReportMetric(float64(acct.conns.accepted.Load()-conns)/float64(b.N), "conns/op")
}
