package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
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

// readEvery calls read for every id, parallelism at a time, and returns
// the first error.
func readEvery(ids []int64, parallelism int, read func(id int64) error) error {
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for range parallelism {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(ids) {
					return
				}
				if err := read(ids[i]); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// plainClient is the simplest client of the API that net/http allows: one
// http.Client whose transport keeps a connection per request in flight,
// a bearer header, encoding/json. It checks nothing and retries nothing.
type plainClient struct {
	hc    *http.Client
	base  string
	token string
}

func newPlainClient(base, token string) *plainClient {
	return &plainClient{hc: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: noOpParallelism}}, base: base, token: token}
}

// get decodes the JSON answer to GET url into v.
func (p *plainClient) get(url string, v any) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err := p.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// noOpPlan lists every page, then reads every server.
func (p *plainClient) noOpPlan() (int, error) {
	var ids []int64
	for url := p.base + "/api/v1/servers/"; url != ""; {
		var page struct {
			Next    *string      `json:"next"`
			Results []api.Server `json:"results"`
		}
		if err := p.get(url, &page); err != nil {
			return 0, err
		}
		for _, s := range page.Results {
			ids = append(ids, s.ID)
		}
		url = ""
		if page.Next != nil {
			url = *page.Next
		}
	}
	err := readEvery(ids, noOpParallelism, func(id int64) error {
		var s api.Server
		return p.get(fmt.Sprintf("%s/api/v1/servers/%d/", p.base, id), &s)
	})
	return len(ids), err
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
	err = readEvery(ids, noOpParallelism, func(id int64) error {
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
		p := newPlainClient(acct.url, sandboxToken)
		benchNoOp(b, acct, p.noOpPlan)
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
		p := newPlainClient(acct.url, sandboxToken)
		c, err := api.New(acct.url, sandboxToken, api.WithParallelism(noOpParallelism))
		if err != nil {
			b.Fatal(err)
		}
		plans := []func() (int, error){p.noOpPlan, func() (int, error) { return clientNoOpPlan(c) }}
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
