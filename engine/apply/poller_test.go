package apply

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
)

func TestNextInterval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cur, max, want time.Duration
	}{
		{500 * time.Millisecond, 5 * time.Second, 750 * time.Millisecond},
		{750 * time.Millisecond, 5 * time.Second, 1125 * time.Millisecond},
		{4 * time.Second, 5 * time.Second, 5 * time.Second},
		{5 * time.Second, 5 * time.Second, 5 * time.Second},
		{time.Millisecond, time.Millisecond, time.Millisecond},
	}
	for _, tt := range tests {
		if got := nextInterval(tt.cur, tt.max); got != tt.want {
			t.Errorf("nextInterval(%s, %s) = %s, want %s", tt.cur, tt.max, got, tt.want)
		}
	}
}

// gatedList is a list function whose n-th call (from 1) returns one server
// with id n, after gates[n-1] (if any) is closed; calls beyond the gates
// block until stop.
type gatedList struct {
	calls   atomic.Int64
	started chan int64
	gates   []chan struct{}
	stop    chan struct{}
}

func (g *gatedList) list(ctx context.Context) ([]api.Server, error) {
	n := g.calls.Add(1)
	g.started <- n
	if int(n) > len(g.gates) {
		<-g.stop
		return nil, errors.New("stopped")
	}
	<-g.gates[n-1]
	return []api.Server{{ID: n, Status: api.StatusActive}}, nil
}

// TestPollerOneListServesEveryWaiter: 499 servers that start waiting while
// a list is running are all served by the one list after it.
func TestPollerOneListServesEveryWaiter(t *testing.T) {
	t.Parallel()
	g := &gatedList{started: make(chan int64, 10), gates: []chan struct{}{make(chan struct{}), make(chan struct{})}, stop: make(chan struct{})}
	p := newPoller(stopContext(t, g.stop), g.list, time.Millisecond, time.Millisecond)
	defer close(g.stop)
	first := p.subscribe()
	if n := <-g.started; n != 1 {
		t.Fatalf("first list call is number %d", n)
	}
	// List 1 is running (gated): everybody who subscribes now is served
	// by list 2, which cannot begin before list 1 ends.
	subs := make([]*pollSubscription, 499)
	for i := range subs {
		subs[i] = p.subscribe()
	}
	close(g.gates[0])
	if snap := <-first.updates; snap.servers[1].ID != 1 {
		t.Fatalf("the first waiter got %+v, want list 1", snap)
	}
	if n := <-g.started; n != 2 {
		t.Fatalf("second list call is number %d", n)
	}
	close(g.gates[1])
	for i, s := range subs {
		snap := <-s.updates
		if _, ok := snap.servers[2]; !ok || snap.err != nil || len(snap.servers) != 1 {
			t.Fatalf("waiter %d got %+v, want the second list's snapshot", i, snap)
		}
	}
	// 500 waiters, two lists (and a third in progress at most).
	if got := p.listCount(); got > 3 {
		t.Errorf("%d lists for 500 waiters, want 2 (and a third in progress at most)", got)
	}
	p.unsubscribe(first)
	for _, s := range subs {
		p.unsubscribe(s)
	}
}

func TestPollerLateWaiterGetsAFreshList(t *testing.T) {
	t.Parallel()
	g := &gatedList{started: make(chan int64, 10), gates: []chan struct{}{make(chan struct{}), make(chan struct{})}, stop: make(chan struct{})}
	p := newPoller(stopContext(t, g.stop), g.list, time.Millisecond, time.Millisecond)
	defer close(g.stop)
	early := p.subscribe()
	<-g.started // the first list is running
	late := p.subscribe()
	close(g.gates[0])
	if snap := <-early.updates; snap.servers[1].ID != 1 {
		t.Fatalf("early waiter got %+v, want list 1", snap)
	}
	select {
	case snap := <-late.updates:
		t.Fatalf("late waiter got %+v from a list that began before it waited", snap)
	default:
	}
	<-g.started
	close(g.gates[1])
	if snap := <-late.updates; snap.servers[2].ID != 2 {
		t.Fatalf("late waiter got %+v, want list 2", snap)
	}
	p.unsubscribe(early)
	p.unsubscribe(late)
}

func TestPollerDeliversListErrors(t *testing.T) {
	t.Parallel()
	stop := make(chan struct{})
	defer close(stop)
	boom := errors.New("list failed")
	p := newPoller(stopContext(t, stop), func(context.Context) ([]api.Server, error) { return nil, boom }, time.Millisecond, time.Millisecond)
	s := p.subscribe()
	defer p.unsubscribe(s)
	if snap := <-s.updates; !errors.Is(snap.err, boom) || snap.servers != nil {
		t.Errorf("snapshot = %+v, want the list error", snap)
	}
}

func TestApplyLeavesNoPollerRunning(t *testing.T) {
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true, ProvisionDelay: 5 * time.Millisecond})
	for i := range 5 {
		r := newRun(context.Background(), e.client, fastOptions().withDefaults())
		res := r.execute(createPlan(fmt.Sprintf("web-%02d", i)).Changes)
		r.close()
		if !res.OK() {
			t.Fatalf("apply failed: %+v", res.Results)
		}
		r.poller.mu.Lock()
		running := r.poller.running
		r.poller.mu.Unlock()
		if running {
			t.Fatalf("run %d: the poller still runs after Apply returned", i)
		}
		select {
		case <-r.watched:
		default:
			t.Fatalf("run %d: the interrupt watcher still runs after Apply returned", i)
		}
	}
}

// stopContext is a context that ends when stop is closed (or the test ends).
func stopContext(t *testing.T, stop <-chan struct{}) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		select {
		case <-stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx
}
