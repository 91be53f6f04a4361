package engine

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"

	et "github.com/vpsfleet/vpsfleet/internal/enginetest"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

// scriptedAccount is an in-memory Account for ReadLive: it lists servers
// (without backups_enabled, as the API does) and answers detail GETs,
// recording them and the most GETs it ever saw in flight.
type scriptedAccount struct {
	servers []api.Server
	getErr  map[int64]error
	release chan struct{} // when non-nil, every GET waits for one value
	repeats int           // the list repeats this many of its last servers

	mu             sync.Mutex
	gets           []int64
	inFlight, peak int
}

func (a *scriptedAccount) ListServers(context.Context, api.ListOptions) ([]api.Server, error) {
	out := make([]api.Server, 0, len(a.servers)+a.repeats)
	for _, s := range a.servers {
		s.BackupsEnabled = nil
		out = append(out, s)
	}
	// A page boundary that shifted repeats the last servers.
	return append(out, out[len(out)-a.repeats:]...), nil
}

func (a *scriptedAccount) GetServer(ctx context.Context, id int64) (*api.Server, error) {
	a.mu.Lock()
	a.gets = append(a.gets, id)
	a.inFlight++
	a.peak = max(a.peak, a.inFlight)
	a.mu.Unlock()
	defer func() { a.mu.Lock(); a.inFlight--; a.mu.Unlock() }()
	if a.release != nil {
		select {
		case <-a.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err := a.getErr[id]; err != nil {
		return nil, err
	}
	for _, s := range a.servers {
		if s.ID == id {
			return &s, nil
		}
	}
	return nil, &api.Error{Status: 404, Detail: "Not found."}
}

func (a *scriptedAccount) CreateServer(context.Context, api.CreateRequest) (*api.Server, error) {
	return nil, errors.New("not used")
}
func (a *scriptedAccount) UpdateServer(context.Context, int64, api.UpdateRequest) (*api.Server, error) {
	return nil, errors.New("not used")
}
func (a *scriptedAccount) DeleteServer(context.Context, int64) error { return errors.New("not used") }
func (a *scriptedAccount) StartServer(context.Context, int64) (*api.ActionResult, error) {
	return nil, errors.New("not used")
}
func (a *scriptedAccount) StopServer(context.Context, int64) (*api.ActionResult, error) {
	return nil, errors.New("not used")
}
func (a *scriptedAccount) RebootServer(context.Context, int64) (*api.ActionResult, error) {
	return nil, errors.New("not used")
}

func TestReadLiveFetchesOnlyWhatThePlanCompares(t *testing.T) {
	fleet := &schema.Fleet{
		Owns: []string{"*"},
		Servers: []schema.DesiredServer{
			et.Desired("web-01", 1), et.Desired("web-02", 2, et.Ignoring("backups_enabled")),
			et.Desired("db-01", 3), et.Desired("cache", 4), et.Desired("gone", 5),
		},
		Moves: []schema.Move{et.Move("db-old", "db-01", 9)},
	}
	acct := &scriptedAccount{
		servers: []api.Server{
			et.Live(1, "web-01", et.Backups(et.Ptr(true))), et.Live(2, "web-02"), et.Live(3, "db-old"),
			et.Live(4, "other"), et.Live(5, "cache"), et.Live(6, "gone"),
		},
		getErr:  map[int64]error{6: &api.Error{Status: 404, Detail: "Not found."}},
		repeats: 2,
	}
	tests := []struct {
		name     string
		targets  []string
		wantGets []int64
		wantIDs  []int64
	}{
		{"all", nil, []int64{1, 3, 5, 6}, []int64{1, 2, 3, 4, 5}},
		{"targeted", []string{"web-*"}, []int64{1}, []int64{1, 2, 3, 4, 5, 6}},
		{"moved.from target", []string{"db-old"}, []int64{3}, []int64{1, 2, 3, 4, 5, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct.gets = nil
			live, err := ReadLive(context.Background(), acct, fleet, PlanOptions{Targets: tt.targets, Parallelism: 2})
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(acct.gets)
			if !slices.Equal(acct.gets, tt.wantGets) {
				t.Errorf("detail GETs = %v, want %v", acct.gets, tt.wantGets)
			}
			var ids []int64
			for _, s := range live {
				ids = append(ids, s.ID)
				if slices.Contains(tt.wantGets, s.ID) && (s.BackupsEnabled == nil || *s.BackupsEnabled != (s.ID == 1)) {
					t.Errorf("server %d: backups_enabled %v not filled from the detail", s.ID, s.BackupsEnabled)
				}
			}
			if !slices.Equal(ids, tt.wantIDs) {
				t.Errorf("live ids = %v, want %v (404 drops the server)", ids, tt.wantIDs)
			}
		})
	}
}

func TestReadLiveBoundsParallelism(t *testing.T) {
	var servers []api.Server
	var desired []schema.DesiredServer
	for i := range 40 {
		name := "web-" + strconv.FormatInt(int64(100+i), 10)
		servers = append(servers, et.Live(int64(i+1), name))
		desired = append(desired, et.Desired(name, i+1))
	}
	acct := &scriptedAccount{servers: servers, release: make(chan struct{})}
	done := make(chan error, 1)
	go func() {
		_, err := ReadLive(context.Background(), acct, &schema.Fleet{Servers: desired}, PlanOptions{Parallelism: 3})
		done <- err
	}()
	for range servers {
		acct.release <- struct{}{}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if acct.peak > 3 || acct.peak < 1 {
		t.Errorf("peak GETs in flight = %d, want 1..3", acct.peak)
	}
	if len(acct.gets) != 40 {
		t.Errorf("%d GETs, want 40", len(acct.gets))
	}
}

func TestReadLiveFailsNamingTheServer(t *testing.T) {
	acct := &scriptedAccount{
		servers: []api.Server{et.Live(1, "web-01")},
		getErr:  map[int64]error{1: &api.Error{Status: 401, Detail: "Invalid token."}},
	}
	_, err := ReadLive(context.Background(), acct, &schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1)}}, PlanOptions{})
	if err == nil || !api.IsUnauthorized(err) {
		t.Fatalf("err = %v, want the 401 wrapped", err)
	}
	if want := "read server web-01 (id 1): "; len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
		t.Errorf("err = %q, want it to start %q", err, want)
	}
	if _, err := ReadLive(context.Background(), nil, nil, PlanOptions{}); err == nil {
		t.Error("nil account: no error")
	}
}
