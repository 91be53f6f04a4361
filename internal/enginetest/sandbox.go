package enginetest

import (
	"context"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
)

// Sandbox is a sandbox account served over HTTP and a real client of it.
type Sandbox struct {
	Acct   *sandbox.Account
	Client *api.Client
	URL    string
}

// NewSandbox serves a sandbox with opts (token "t", Seed 1 unless set)
// and returns a client whose retries wait a millisecond, or a little more
// for a 429's Retry-After, so tests run quickly. Both end with the test.
func NewSandbox(t testing.TB, opts sandbox.Options, clientOpts ...api.Option) *Sandbox {
	t.Helper()
	if opts.Token == "" {
		opts.Token = "t"
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	acct, err := sandbox.New(opts)
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	srv := httptest.NewServer(acct)
	t.Cleanup(func() {
		srv.Close()
		acct.Close()
	})
	base := []api.Option{
		api.WithBackoff(func(int) time.Duration { return time.Millisecond }),
		api.WithSleep(ShortSleep),
		api.WithRetryBudget(100000),
		api.WithMaxRetries(20),
	}
	client, err := api.New(srv.URL, "t", append(base, clientOpts...)...)
	if err != nil {
		t.Fatalf("api.New: %v", err)
	}
	return &Sandbox{Acct: acct, Client: client, URL: srv.URL}
}

// ShortSleep waits at most 20ms of d: enough for a rate limit of tens of
// requests a second to refill, short enough for tests.
func ShortSleep(ctx context.Context, d time.Duration) error {
	d = min(d, 20*time.Millisecond)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Import adds servers to the account, failing the test on error.
func (e *Sandbox) Import(t testing.TB, specs ...sandbox.ServerSpec) {
	t.Helper()
	if _, err := e.Acct.Import(specs); err != nil {
		t.Fatalf("Import: %v", err)
	}
}

// List returns every server of the account, sorted by name then id.
func (e *Sandbox) List(t testing.TB) []api.Server {
	t.Helper()
	servers, err := e.Client.ListServers(context.Background(), api.ListOptions{})
	if err != nil {
		t.Fatalf("ListServers: %v", err)
	}
	sort.Slice(servers, func(i, j int) bool {
		if servers[i].Name != servers[j].Name {
			return servers[i].Name < servers[j].Name
		}
		return servers[i].ID < servers[j].ID
	})
	return servers
}

// ByName returns the account's servers by name; it fails the test when a
// name is held twice (a duplicate create).
func (e *Sandbox) ByName(t testing.TB) map[string]api.Server {
	t.Helper()
	out := map[string]api.Server{}
	for _, s := range e.List(t) {
		if prev, dup := out[s.Name]; dup {
			t.Errorf("duplicate server name %s: ids %d and %d", s.Name, prev.ID, s.ID)
		}
		out[s.Name] = s
	}
	return out
}

// Detail reads one server with the fields a list leaves out.
func (e *Sandbox) Detail(t testing.TB, id int64) *api.Server {
	t.Helper()
	s, err := e.Client.GetServer(context.Background(), id)
	if err != nil {
		t.Fatalf("GetServer(%d): %v", id, err)
	}
	return s
}

// Spec is an import spec with the test defaults: plan 1, Ubuntu, us-west.
func Spec(name string) sandbox.ServerSpec {
	return sandbox.ServerSpec{Name: name, PlanID: 1, OSID: 5, Location: "us-west"}
}
