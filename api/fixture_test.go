package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
)

// clock is a settable clock shared by a sandbox and the client's sleep.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// sleep advances the clock instead of waiting, so Retry-After waits pass
// at once for both the client and the sandbox.
func (c *clock) sleep(ctx context.Context, d time.Duration) error {
	c.Advance(d)
	return ctx.Err()
}

// sandboxToken is the token the test sandboxes accept.
const sandboxToken = "sandbox-token-0c1d"

// fixture is a sandbox account with a client of it.
type fixture struct {
	account *sandbox.Account
	client  *api.Client
	clock   *clock
	url     string // base URL of the account over HTTP ("" in-process)
}

// newFixture serves a sandbox account over httptest (inProc false) or
// in-process, with a fake clock, and returns a client of it that waits on
// that clock.
func newFixture(t testing.TB, inProc bool, opts sandbox.Options, clientOpts ...api.Option) *fixture {
	t.Helper()
	clk := newClock()
	if opts.Token == "" {
		opts.Token = sandboxToken
	}
	if opts.Now == nil {
		opts.Now = clk.Now
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	acct, err := sandbox.New(opts)
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	t.Cleanup(func() { acct.Close() })
	f := &fixture{account: acct, clock: clk}
	if !inProc {
		srv := httptest.NewServer(acct)
		t.Cleanup(srv.Close)
		f.url = srv.URL
	}
	all := append([]api.Option{api.WithSleep(clk.sleep), api.WithBackoff(stepBackoff)}, clientOpts...)
	f.client = dial(t, f.url, acct, sandboxToken, all...)
	return f
}

// other returns another client of the same account, with token and opts
// (applied after a sleep on the fixture's clock, so they may replace it).
func (f *fixture) other(t testing.TB, token string, opts ...api.Option) *api.Client {
	t.Helper()
	return dial(t, f.url, f.account, token, append([]api.Option{api.WithSleep(f.clock.sleep)}, opts...)...)
}

// provider calls a /_sandbox/ route (suspend, unsuspend) on the account.
func (f *fixture) provider(t testing.TB, path string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, nil)
	w := httptest.NewRecorder()
	f.account.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Fatalf("POST %s: %d %s", path, w.Code, w.Body)
	}
}

// byName counts the servers of that name in the account.
func (f *fixture) byName(t testing.TB, name string) int {
	t.Helper()
	servers, err := f.client.ListServers(context.Background(), api.ListOptions{})
	if err != nil {
		t.Fatalf("ListServers: %v", err)
	}
	n := 0
	for _, s := range servers {
		if s.Name == name {
			n++
		}
	}
	return n
}
