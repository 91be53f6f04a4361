package poll

import (
	"fmt"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/internal/words"
)

// Goal is what a wait waits for.
type Goal int

// The goals of a wait.
const (
	// GoalActive: the server's status is active.
	GoalActive Goal = iota
	// GoalStopped: the server's status is stopped.
	GoalStopped
	// GoalSettled: any status that is not on its way to another one.
	GoalSettled
)

// String completes "waiting for web-03 (id 12347) to ...".
func (g Goal) String() string {
	switch g {
	case GoalActive:
		return "become active"
	case GoalStopped:
		return "become stopped"
	default:
		return "settle"
	}
}

// status is the status g waits for; "" for goals that are not one.
func (g Goal) status() api.Status {
	switch g {
	case GoalActive:
		return api.StatusActive
	case GoalStopped:
		return api.StatusStopped
	}
	return ""
}

// reached reports whether a server seen (or not, found false) meets g.
func (g Goal) reached(srv api.Server, found bool) bool {
	switch g {
	case GoalActive:
		return found && srv.Status == api.StatusActive
	case GoalStopped:
		return found && srv.Status == api.StatusStopped
	default:
		return found && !srv.Status.Transitional()
	}
}

// Origin is what started the transition a wait waits out: a request of
// the run's, of action Kind, sent at Sent (by the poller's clock,
// time.Now). The poller learns how long each kind takes from the waits
// it has seen end. The zero Origin (Untimed) is a transition the run did
// not start (a server settling, a replacement an earlier run made,
// WaitFor): never learned from.
type Origin struct {
	Kind engine.Action
	Sent time.Time
}

// Untimed is the origin of a wait whose transition the run did not start.
var Untimed = Origin{}

// Wait is what a parked chain waits for: server ID to reach Goal.
type Wait struct {
	ID int64
	// Name is the name the server must carry ("" takes any): a server of
	// that id under another name ends the wait with an error, since ids
	// can be reissued, or an answer named the wrong server.
	Name string
	Goal Goal
	// Strict ends the wait at once with a *SettledError when the server
	// settles in a status other than the goal's.
	Strict bool
	From   Origin
	// Finishing marks the wait of a chain that the first Ctrl-C does not
	// stop (see Poller.Halt).
	Finishing bool
	// Forget keeps no copy of the server seen: Chain.Then is given an
	// empty one, for a continuation that reads no server.
	Forget bool
}

// Chain is the chain of steps a waiter parks: what the poller asks of
// it while it waits. The poller calls Get, Still and Then from the run's
// workers (Run.Push) or its own goroutine, never while holding its lock,
// and calls Then exactly once, when the wait is over.
type Chain interface {
	// Halted reports whether the chain must stop now: its wait ends at
	// once, with the run's stop error. The poller may ask while holding
	// its lock: Halted must not call the poller.
	Halted() bool
	// Get reads server id, under the run's request bound, as one of the
	// chain's requests.
	Get(id int64) (*api.Server, error)
	// Still reports that server id is still on its way: note is "status
	// provisioning". It must not block for long.
	Still(id int64, note string)
	// Then goes on with the chain once the wait is over, given the server
	// as last seen (empty when not seen, or with Wait.Forget) and err: nil
	// when the goal was reached, else a *TimeoutError, a *SettledError,
	// another reason the server will not reach the goal, or the run's
	// stop error.
	Then(srv api.Server, err error)
}

// Waiter is one parked chain: it waits for a server to reach a goal
// (Wait), and then goes on with its Chain's Then. Whoever holds it (the
// poller, or the worker looking at it) is the only one to touch it.
type Waiter struct {
	chain Chain
	id    int64
	// expected is the name the server must carry ("" takes any); label
	// names it in messages.
	expected, label string
	goal            Goal
	strict          bool
	from            Origin
	// started is when the wait began, by the run's clock (Config.Now),
	// for the timeout.
	started   time.Time
	finishing bool

	// What was last seen; forget keeps last empty, for a continuation
	// that reads no server.
	forget     bool
	last       *api.Server
	lastStatus string
	lastErr    error

	// Kept by the poller (see poller.go).
	since   time.Time // parked at, by the poller's clock
	seq     uint64    // lists that began before it was parked are not its
	away    bool      // a worker is looking at it (a GET)
	done    bool      // no longer parked
	looked  time.Time // the start of the last view of it (zero: none)
	every   time.Duration
	lagging bool // looked at after it was predicted done, not done
	due     time.Time
	early   time.Time
}

// NewWaiter returns the waiter of chain c for w, begun at started by the
// run's clock (Config.Now): its timeout counts from then. It is not
// parked until Poller.Park.
func NewWaiter(w Wait, c Chain, started time.Time) *Waiter {
	label := w.Name
	if label == "" {
		label = "server"
	}
	return &Waiter{
		chain: c, id: w.ID, expected: w.Name, label: label, goal: w.Goal, strict: w.Strict, from: w.From,
		started: started, finishing: w.Finishing, forget: w.Forget, lastStatus: "not seen yet",
	}
}

// view is one look at a waiter's server: the server (found), or not; a
// GET's absence is certain (complete), a list's is not, since a list can
// miss a server when others are deleted between its pages. err is why the
// look saw nothing.
type view struct {
	srv      api.Server
	found    bool
	complete bool
	err      error
}

// verdict is what a look at a waiter decides.
type verdict int

const (
	// waiting: the server is still on its way.
	waiting verdict = iota
	// over: the wait is over, with the server and error see returns.
	over
	// lookAgain: a list did not show the server: ask for it before
	// concluding anything.
	lookAgain
)

// see judges a look at w's server; cfg gives the wait's timeout and the
// clock it is measured by. It records what it saw in w.
func (w *Waiter) see(v view, cfg *Config) (verdict, api.Server, error) {
	if v.err == nil {
		srv, found := v.srv, v.found
		if !found && !v.complete {
			return lookAgain, w.seen(), nil
		}
		if !found {
			return over, w.seen(), fmt.Errorf("%s (id %d) disappeared while waiting for it to %s; someone else deleted it — run plan again", w.label, w.id, w.goal)
		}
		if found && w.expected != "" && srv.Name != w.expected {
			return over, srv, fmt.Errorf("server id %d now carries the name %q, not %s: it is not the server this apply is waiting for; run plan to see where the account stands", w.id, srv.Name, w.label)
		}
		if found {
			if !w.forget {
				w.last = &srv
			}
			w.lastStatus, w.lastErr = string(srv.Status), nil
			if srv.Status == api.StatusSuspended {
				return over, srv, fmt.Errorf("%s (id %d) was suspended by the provider while waiting for it to %s; have it unsuspended, then run apply again", w.label, w.id, w.goal)
			}
		}
		if w.goal.reached(srv, found) {
			return over, srv, nil
		}
		if w.strict && found && !srv.Status.Transitional() {
			return over, srv, &SettledError{Name: w.label, ID: w.id, Status: srv.Status, Want: w.goal.status()}
		}
	} else {
		w.lastErr = v.err
	}
	if waited := cfg.Now().Sub(w.started); waited >= cfg.Timeout {
		return over, w.seen(), &TimeoutError{Name: w.label, ID: w.id, Goal: w.goal.String(), After: cfg.Timeout, LastStatus: w.lastStatus, LastErr: w.lastErr}
	}
	return waiting, w.seen(), nil
}

// seen is the server as last seen (empty when not seen, or forgotten).
func (w *Waiter) seen() api.Server {
	if w.last == nil {
		return api.Server{}
	}
	return *w.last
}

// stillNote is what a waiter still on its way reports (see Chain.Still).
func (w *Waiter) stillNote() string {
	return "status " + w.lastStatus
}

// TimeoutError is a wait that ran out of time: the timeout (Config.Timeout,
// the executor's Options.Timeout) passed before the server reached its
// goal.
type TimeoutError struct {
	Name string
	ID   int64
	// Goal completes "waiting for NAME to ...": "become active".
	Goal string
	// After is the timeout that passed.
	After time.Duration
	// LastStatus is the last status seen, or "not seen yet".
	LastStatus string
	// LastErr is the last error of a poll, if the last poll failed.
	LastErr error
}

// Error says what was waited for and what was last seen.
func (e *TimeoutError) Error() string {
	msg := fmt.Sprintf("timed out after %s waiting for %s (id %d) to %s (last status %s)",
		words.Duration(e.After), e.Name, e.ID, e.Goal, e.LastStatus)
	if e.LastErr != nil {
		msg += "; last error: " + e.LastErr.Error()
	}
	return msg
}

// SettledError is a wait for a status that ended because the server
// settled in another one, from which it will not move on its own.
type SettledError struct {
	Name   string
	ID     int64
	Status api.Status
	Want   api.Status
}

// Error says where the server settled.
func (e *SettledError) Error() string {
	return fmt.Sprintf("%s (id %d) is %s, not %s", e.Name, e.ID, e.Status, e.Want)
}
