package apply

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
)

// The tests here run in a synctest bubble: synctest.Test fails when a
// goroutine of the bubble (a worker, the poller, the watcher, a timer) is
// left blocked once the test function returns, so each also checks that
// Run leaves nothing running.

// TestQueueRunsNoMoreThanItsWorkers: however many changes, no more
// chains run at once than there are workers, and a waiting server holds
// none: every one of them waits at once.
func TestQueueRunsNoMoreThanItsWorkers(t *testing.T) {
	t.Parallel()
	for _, workers := range []int{1, 3, 10} {
		synctest.Test(t, func(t *testing.T) {
			acct := newMemAccount()
			acct.requestTime = time.Millisecond
			var mu sync.Mutex
			running, most := 0, 0
			opts := Options{Parallelism: workers}.withDefaults()
			r := newRun(context.Background(), acct, opts)
			const n = 200
			res := r.execute(createPlan(names1000(n)...).Changes, func(ch *chain) move {
				mu.Lock()
				running++
				most = max(most, running)
				mu.Unlock()
				time.Sleep(time.Millisecond) // a step's work, on the worker
				mu.Lock()
				running--
				mu.Unlock()
				return ch.steps()
			})
			r.close()
			if !res.OK() {
				t.Fatalf("%d workers: results %+v", workers, res.Results)
			}
			if most > workers || r.queue.most() > workers {
				t.Errorf("%d workers: %d chains began at once, %d tasks ran at once", workers, most, r.queue.most())
			}
			parked := r.poller.Stats().MostParked
			if parked != n {
				t.Errorf("%d workers: at most %d servers waited at once, want all %d", workers, parked, n)
			}
		})
	}
}

// holdingOrder lets change 0 start and holds every other back for ever.
type holdingOrder struct {
	n       int
	given   bool
	drained bool
}

func (o *holdingOrder) Next() (int, error, bool) {
	if o.given {
		return 0, nil, false
	}
	o.given = true
	return 0, nil, true
}
func (o *holdingOrder) Ended(int, Outcome) {}
func (o *holdingOrder) Wake() time.Time    { return time.Time{} }
func (o *holdingOrder) Remaining() int {
	switch {
	case o.drained:
		return 0
	case o.given:
		return o.n - 1
	}
	return o.n
}
func (o *holdingOrder) Drain() []int {
	if o.drained {
		return nil
	}
	o.drained = true
	var out []int
	for i := 1; i < o.n; i++ {
		out = append(out, i)
	}
	return out
}

// TestQueueEndsWhatItsOrderHoldsBack: an order that holds changes back
// while nothing runs does not make the run wait for ever: they end as
// not started.
func TestQueueEndsWhatItsOrderHoldsBack(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		acct := newMemAccount()
		r := newRun(context.Background(), acct, Options{}.withDefaults())
		r.order = &holdingOrder{n: 3}
		res := r.execute(createPlan("web-01", "web-02", "web-03").Changes, nil)
		r.close()
		if got := res.Results[0].Outcome; got != OutcomeDone {
			t.Errorf("web-01: %s %v, want done", got, res.Results[0].Err)
		}
		for _, sr := range res.Results[1:] {
			if sr.Outcome != OutcomeNotStarted || !errors.Is(sr.Err, errHeldBack) {
				t.Errorf("%s: %s %v, want not started, held back", sr.Name, sr.Outcome, sr.Err)
			}
		}
		if n := acct.count("create"); n != 1 {
			t.Errorf("%d creates sent, want 1", n)
		}
	})
}

// TestSecondInterruptWhileWaiting: when the context ends while servers
// wait, Run returns at once, and the unstarted changes say so.
func TestSecondInterruptWhileWaiting(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		acct := newMemAccount()
		acct.provision = func(int64) time.Duration { return time.Hour }
		acct.requestTime = time.Millisecond
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		const n = 1000
		res, err := Run(ctx, acct, createPlan(names1000(n)...), Options{Parallelism: 2})
		if err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took > 60*time.Millisecond {
			t.Errorf("Run returned %s after the context ended at 50ms", took-50*time.Millisecond)
		}
		answered := acct.count("create")
		started, notStarted := 0, 0
		for _, sr := range res.Results {
			switch {
			case sr.Outcome == OutcomeInterrupted && errors.Is(sr.Err, ErrAbandoned):
				started++
			case sr.Outcome == OutcomeNotStarted && errors.Is(sr.Err, ErrAbandoned):
				notStarted++
			default:
				t.Errorf("%s: %s %v", sr.Name, sr.Outcome, sr.Err)
			}
		}
		// Run did not wait for the requests in flight; once they are
		// answered, nothing of the run is left running (the bubble
		// checks).
		time.Sleep(time.Second)
		// A create in flight is interrupted, and may or may not have been
		// counted by the account when Run returned.
		if started < answered || started > answered+2 || notStarted != n-started || notStarted == 0 {
			t.Errorf("%d interrupted, %d not started, %d creates answered", started, notStarted, answered)
		}
	})
}

var _ startOrder = (*holdingOrder)(nil)
var _ engine.Account = (*memAccount)(nil)
