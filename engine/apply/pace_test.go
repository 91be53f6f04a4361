package apply

import (
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
)

// completions is a Progress that keeps when each server's chain ended.
type completions struct {
	mu  sync.Mutex
	at  map[string]time.Time
	out map[string]EventKind
}

func (c *completions) Event(e Event) {
	if e.Kind != EventComplete && e.Kind != EventFail && e.Kind != EventSkip {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at == nil {
		c.at, c.out = map[string]time.Time{}, map[string]EventKind{}
	}
	c.at[e.Server], c.out[e.Server] = time.Now(), e.Kind
}

// lastOf returns the time of the last request of kind in a's log, and
// how many there were.
func (a *memAccount) lastOf(kinds ...string) (last time.Time, n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, r := range a.log {
		for _, k := range kinds {
			if r.kind == k {
				last, n = r.at, n+1
			}
		}
	}
	return last, n
}

// TestPollerTimingOnAFakeClock applies creates to an account in memory,
// in fake time: the apply ends within 10% of one provisioning time after
// the last create was answered, with one list of the account (which the
// final check reuses) and a few GETs to learn the provisioning time.
func TestPollerTimingOnAFakeClock(t *testing.T) {
	t.Parallel()
	const provision = 4 * time.Second
	tests := []struct {
		name        string
		n           int
		requestTime time.Duration
		// wantLists bounds the lists of the account, the final check's
		// included; wantGets the GETs of single servers.
		wantLists, wantGets int
	}{
		{"1000 creates at once", 1000, 0, 1, 30},
		{"3000 creates, 1 ms each", 3000, time.Millisecond, 1, 35},
		{"10000 creates, 0.1 ms each", 10000, 100 * time.Microsecond, 1, 35},
		// A list of one page shows every server for the price of a GET:
		// the poller learns by lists.
		{"10 creates", 10, 0, 25, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				acct := newMemAccount()
				acct.requestTime = tt.requestTime
				start := time.Now()
				res := mustApply(t, acct, createPlan(names1000(tt.n)...), Options{Parallelism: 10})
				wall := time.Since(start)
				if !res.OK() || res.Created != tt.n {
					t.Fatalf("OK %v, created %d, want %d", res.OK(), res.Created, tt.n)
				}
				created, _ := acct.lastOf("create")
				if limit := created.Sub(start) + provision*11/10; wall > limit {
					t.Errorf("apply took %s, the last create was answered after %s: want at most %s", wall, created.Sub(start), limit)
				}
				if _, lists := acct.lastOf("list", "stable list"); lists > tt.wantLists {
					t.Errorf("%d lists of the account, want at most %d", lists, tt.wantLists)
				}
				if gets := acct.count("get"); gets > tt.wantGets {
					t.Errorf("%d GETs of single servers, want at most %d", gets, tt.wantGets)
				}
				if tt.n >= 1000 {
					if per := float64(acct.total()) / float64(tt.n); per > 1.05 {
						t.Errorf("%.3f requests a server, want at most 1.05", per)
					}
				}
			})
		})
	}
}

// TestPollerCopesWithVaryingDurations: when servers of a kind take
// different times, none waits much longer than its own, and lists stay
// few.
func TestPollerCopesWithVaryingDurations(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		acct := newMemAccount()
		// 3 s to 6 s, in no order.
		acct.provision = func(id int64) time.Duration { return 3*time.Second + time.Duration(id*7919%3000)*time.Millisecond }
		prog := &completions{}
		start := time.Now()
		res := mustApply(t, acct, createPlan(names1000(1000)...), Options{Parallelism: 10, Progress: prog})
		if !res.OK() {
			t.Fatalf("results %+v", res.Results)
		}
		for _, r := range res.Results {
			own := acct.provision(r.ID)
			// At most MaxPollInterval late, or half the duration.
			if late := prog.at[r.Name].Sub(start) - own; late > DefaultMaxPollInterval {
				t.Errorf("%s (%s to provision) was seen %s late", r.Name, own, late)
			}
		}
		if _, lists := acct.lastOf("list", "stable list"); lists > 12 {
			t.Errorf("%d lists of the account, want at most 12", lists)
		}
	})
}

// TestPollerIsNotHeldBackByAStuckServer: the oldest server never
// provisions; the others are seen done as soon as the others of their
// kind, and it times out.
func TestPollerIsNotHeldBackByAStuckServer(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		acct := newMemAccount()
		first := acct.nextID
		acct.provision = func(id int64) time.Duration {
			if id == first {
				return -1
			}
			return 4 * time.Second
		}
		prog := &completions{}
		start := time.Now()
		res := mustApply(t, acct, createPlan(names1000(200)...), Options{Parallelism: 10, Progress: prog, Timeout: time.Minute})
		for _, r := range res.Results {
			switch {
			case r.ID == first:
				if r.Outcome != OutcomeFailed || !strings.Contains(r.Err.Error(), "timed out after 1m") {
					t.Errorf("%s: %s %v, want a timeout", r.Name, r.Outcome, r.Err)
				}
			case r.Outcome != OutcomeDone:
				t.Errorf("%s: %s %v", r.Name, r.Outcome, r.Err)
			case prog.at[r.Name].Sub(start) > 4400*time.Millisecond:
				t.Errorf("%s done after %s, want within 10%% of 4s", r.Name, prog.at[r.Name].Sub(start))
			}
		}
	})
}

// TestFinalCheckListsAfterTheLastRequest: with power off, the stops come
// after the waits for active; the final check must list after the last
// stop was answered, not reuse a list from before it.
func TestFinalCheckListsAfterTheLastRequest(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		acct := newMemAccount()
		p := createPlan(names1000(100)...)
		for i := range p.Changes {
			p.Changes[i].After.Power = "off"
		}
		res := mustApply(t, acct, p, Options{Parallelism: 10})
		if !res.OK() {
			t.Fatalf("results %+v", res.Results)
		}
		lastStop, stops := acct.lastOf("stop")
		lastList, _ := acct.lastOf("stable list")
		if stops != 100 || !lastList.After(lastStop) {
			t.Errorf("%d stops, the last at %s; the last Stable list at %s: want it after", stops, lastStop, lastList)
		}
	})
}

// TestPollerKeepsReportingWaiters: servers the poller has no reason to
// look at yet still get an EventStill every MaxPollInterval.
func TestPollerKeepsReportingWaiters(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		acct := newMemAccount()
		acct.provision = func(int64) time.Duration { return time.Minute }
		rec := &recorder{}
		res := mustApply(t, acct, createPlan(names1000(20)...), Options{Parallelism: 10, Progress: &lockedRecorder{r: rec}})
		if !res.OK() {
			t.Fatalf("results %+v", res.Results)
		}
		stills := map[string]int{}
		for _, e := range rec.events {
			if e.Kind == EventStill {
				stills[e.Server]++
			}
		}
		for _, n := range names1000(20) {
			// A minute of waiting, a report at least every 5 s.
			if stills[n] < 10 {
				t.Errorf("%s: %d still events in a minute, want one every %s at least", n, stills[n], DefaultMaxPollInterval)
			}
		}
	})
}

// lockedRecorder is a recorder safe for the events of several chains.
type lockedRecorder struct {
	mu sync.Mutex
	r  *recorder
}

func (l *lockedRecorder) Event(e Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.r.Event(e)
}

// TestInterruptEndsAPause: a create whose answer was lost pauses before
// looking for it again; the Interrupt ends the pause at once.
func TestInterruptEndsAPause(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		acct := &lossyAccount{Account: newMemAccount(), script: []lostAnswer{dropLose}}
		interrupt := make(chan struct{})
		time.AfterFunc(100*time.Millisecond, func() { close(interrupt) })
		start := time.Now()
		res := mustApply(t, acct, createPlan("web-01"), Options{Interrupt: interrupt, PollInterval: time.Minute})
		if took := time.Since(start); took > time.Second {
			t.Errorf("apply took %s after an interrupt at 100ms, want it to end the pause of 1m", took)
		}
		if r := resultOf(t, res, "web-01"); r.Outcome != OutcomeNotStarted || !strings.Contains(r.Err.Error(), "interrupted") {
			t.Errorf("result %s %v, want not started, interrupted", r.Outcome, r.Err)
		}
	})
}

// TestDeleteIsDoneWhenAnswered: a delete the API answered is not waited
// for or looked at again: deleting 120 servers costs the 120 deletes and
// the final check's one list, and no time passes.
func TestDeleteIsDoneWhenAnswered(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		acct := newMemAccount()
		created := mustApply(t, acct, createPlan(names1000(120)...), Options{Parallelism: 10})
		p := &engine.Plan{FormatVersion: engine.FormatVersion}
		for _, r := range created.Results {
			p.Changes = append(p.Changes, engine.Change{Name: r.Name, Actions: []engine.Action{engine.ActionDelete},
				Before: &engine.ServerState{ID: r.ID, Name: r.Name, Status: "active", Power: "on"}})
		}
		before := map[string]int{}
		for _, k := range []string{"delete", "get", "list", "stable list"} {
			before[k] = acct.count(k)
		}
		start := time.Now()
		res := mustApply(t, acct, p, Options{Parallelism: 10})
		if !res.OK() || len(acct.servers) != 0 {
			t.Fatalf("OK %v, %d servers left; results %+v", res.OK(), len(acct.servers), res.Results)
		}
		if waited := time.Since(start); waited != 0 {
			t.Errorf("the deletes took %s of fake time, want none", waited)
		}
		want := map[string]int{"delete": 120, "get": 0, "list": 0, "stable list": 1}
		for k, n := range want {
			if got := acct.count(k) - before[k]; got != n {
				t.Errorf("%d requests %q, want %d", got, k, n)
			}
		}
	})
}
