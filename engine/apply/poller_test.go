package apply

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply/poll"
)

// gatedAccount lists servers 1..n: its k-th list (from 1) waits for
// gates[k-1] (if any) and shows them provisioning on the first list,
// active on later ones; lists beyond the gates block until stop.
type gatedAccount struct {
	engine.Account
	n       int64
	calls   atomic.Int64
	started chan int64
	gates   []chan struct{}
	stop    chan struct{}
	err     error
}

func (g *gatedAccount) ListServers(ctx context.Context, _ api.ListOptions) ([]api.Server, error) {
	k := g.calls.Add(1)
	g.started <- k
	if int(k) > len(g.gates) {
		<-g.stop
		return nil, errors.New("stopped")
	}
	<-g.gates[k-1]
	if g.err != nil {
		return nil, g.err
	}
	status := api.StatusActive
	if k == 1 {
		status = api.StatusProvisioning
	}
	out := make([]api.Server, g.n)
	for i := range out {
		out[i] = api.Server{ID: int64(i + 1), Name: fmt.Sprintf("web-%d", i+1), Status: status}
	}
	return out, nil
}

// parkedRun runs n chains that do nothing but wait, server i+1 to become
// active, through a run of acct. Chain i parks once release(i) returns.
// It returns the run, its waiters (filled as they park) and a channel
// that yields the result.
func parkedRun(t *testing.T, ctx context.Context, acct engine.Account, n int, release func(i int)) (*run, []*poll.Waiter, <-chan *Result) {
	t.Helper()
	opts := fastOptions()
	opts.Parallelism = 4
	r := newRun(ctx, acct, opts.withDefaults())
	waiters := make([]*poll.Waiter, n)
	var mu sync.Mutex
	changes := make([]engine.Change, n)
	for i := range changes {
		changes[i] = engine.Change{Name: fmt.Sprintf("web-%d", i+1)}
	}
	out := make(chan *Result, 1)
	go func() {
		defer r.close()
		out <- r.execute(changes, func(ch *chain) move {
			release(ch.index)
			m := ch.waitFor(nil, int64(ch.index+1), ch.c.Name, poll.GoalActive, false, poll.Untimed, func(srv api.Server, err error) move { return ended(err) })
			mu.Lock()
			waiters[ch.index] = m.wait
			mu.Unlock()
			return m
		})
	}()
	return r, waiters, out
}

// seen returns what w has seen, under the poller's lock.
func seen(p *poll.Poller, w *poll.Waiter) (looked bool, status string, err error) {
	return p.Seen(w)
}

// TestPollerOneListServesEveryWaiter: 498 servers that start waiting while
// a list is running are all served by the one list after it.
func TestPollerOneListServesEveryWaiter(t *testing.T) {
	t.Parallel()
	g := &gatedAccount{n: 500, started: make(chan int64, 10), gates: []chan struct{}{make(chan struct{}), make(chan struct{})}, stop: make(chan struct{})}
	defer close(g.stop)
	listing := make(chan struct{})
	r, waiters, out := parkedRun(t, context.Background(), g, 500, func(i int) {
		if i >= 2 {
			<-listing
		}
	})
	if k := <-g.started; k != 1 {
		t.Fatalf("first list call is number %d", k)
	}
	// List 1 is running (gated): everybody who parks now is served by
	// list 2, which cannot begin before list 1 ends.
	close(listing)
	for i := 2; i < 500; {
		parked := r.poller.Stats().Parked
		if parked == 500 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(g.gates[0])
	if k := <-g.started; k != 2 {
		t.Fatalf("second list call is number %d", k)
	}
	for i, w := range waiters {
		looked, status, _ := seen(r.poller, w)
		switch {
		case i < 2 && (!looked || status != string(api.StatusProvisioning)):
			t.Errorf("waiter %d: looked %v, status %s; want list 1's provisioning", i, looked, status)
		case i >= 2 && looked:
			t.Errorf("waiter %d parked while list 1 ran and saw it (status %s)", i, status)
		}
	}
	close(g.gates[1])
	res := <-out
	if !res.OK() {
		t.Fatalf("result %+v", res.Results)
	}
	// 500 waiters, two lists (and a third in progress at most).
	if got := r.poller.Stats().Lists; got > 3 {
		t.Errorf("%d lists for 500 waiters, want 2 (and a third in progress at most)", got)
	}
}

func TestPollerLateWaiterGetsAFreshList(t *testing.T) {
	t.Parallel()
	g := &gatedAccount{n: 3, started: make(chan int64, 10), gates: []chan struct{}{make(chan struct{}), make(chan struct{})}, stop: make(chan struct{})}
	defer close(g.stop)
	listing := make(chan struct{})
	r, waiters, out := parkedRun(t, context.Background(), g, 3, func(i int) {
		if i == 2 {
			<-listing
		}
	})
	<-g.started // the first list is running
	close(listing)
	for {
		parked := r.poller.Stats().Parked
		if parked == 3 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(g.gates[0])
	<-g.started
	if looked, status, _ := seen(r.poller, waiters[0]); !looked || status != string(api.StatusProvisioning) {
		t.Fatalf("early waiter: looked %v, status %s; want list 1's", looked, status)
	}
	if looked, status, _ := seen(r.poller, waiters[2]); looked {
		t.Fatalf("late waiter saw status %s from a list that began before it waited", status)
	}
	close(g.gates[1])
	if res := <-out; !res.OK() {
		t.Fatalf("late waiter was not served by list 2: %+v", res.Results)
	}
}

func TestPollerDeliversListErrors(t *testing.T) {
	t.Parallel()
	boom := errors.New("list failed")
	gate := make(chan struct{})
	close(gate)
	// A list is tried three times before its error is delivered.
	g := &gatedAccount{n: 2, started: make(chan int64, 100), gates: []chan struct{}{gate, gate, gate}, stop: make(chan struct{}), err: boom}
	defer close(g.stop)
	ctx, cancel := context.WithCancel(context.Background())
	r, waiters, out := parkedRun(t, ctx, g, 2, func(int) {})
	for range 4 {
		<-g.started // the fourth: list 1 has been delivered, list 2 began
	}
	for _, w := range waiters {
		if _, _, err := seen(r.poller, w); !errors.Is(err, boom) {
			t.Errorf("waiter saw error %v, want the list error", err)
		}
	}
	cancel()
	<-out
}

func TestApplyLeavesNoPollerRunning(t *testing.T) {
	t.Parallel()
	e := newSandbox(t, sandbox.Options{Empty: true, ProvisionDelay: 5 * time.Millisecond})
	for i := range 5 {
		r := newRun(context.Background(), e.client, fastOptions().withDefaults())
		res := r.execute(createPlan(fmt.Sprintf("web-%02d", i)).Changes, nil)
		r.close()
		if !res.OK() {
			t.Fatalf("apply failed: %+v", res.Results)
		}
		running := r.poller.Stats().Running
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
