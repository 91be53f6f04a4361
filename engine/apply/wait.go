package apply

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/internal/words"
)

// waitGoal is what a wait waits for.
type waitGoal int

const (
	goalActive waitGoal = iota
	goalStopped
	goalGone
	// goalSettled: any status that is not on its way to another one.
	goalSettled
)

// String completes "waiting for web-03 (id 12347) to ...".
func (g waitGoal) String() string {
	switch g {
	case goalActive:
		return "become active"
	case goalStopped:
		return "become stopped"
	case goalGone:
		return "be deleted"
	default:
		return "settle"
	}
}

// status is the status g waits for; "" for goals that are not one.
func (g waitGoal) status() api.Status {
	switch g {
	case goalActive:
		return api.StatusActive
	case goalStopped:
		return api.StatusStopped
	}
	return ""
}

// reached reports whether a server seen (or not, found false) meets g.
func (g waitGoal) reached(srv api.Server, found bool) bool {
	switch g {
	case goalActive:
		return found && srv.Status == api.StatusActive
	case goalStopped:
		return found && srv.Status == api.StatusStopped
	case goalGone:
		return !found
	default:
		return found && !srv.Status.Transitional()
	}
}

// origin is what started the transition a wait waits out: a request of
// this run's, of action kind, sent at sent (by the poller's clock). The
// poller learns how long each kind takes from the waits it has seen end.
// The zero origin is a transition the run did not start (a server
// settling, a replacement an earlier run made, WaitFor): never learned
// from.
type origin struct {
	kind engine.Action
	sent time.Time
}

// untimed is the origin of a wait whose transition the run did not start.
var untimed = origin{}

// waiter is one parked chain: it waits for server id to reach goal, and
// then goes on with then. The chain fills in what it waits for; the poller
// keeps the rest while it is parked, and whoever holds it (the poller, or
// the worker looking at it) is the only one to touch it.
type waiter struct {
	ch   *chain
	step *stepRun // nil for WaitFor: no progress events
	id   int64
	// expected is the name the server must carry ("" takes any); label
	// names it in messages.
	expected, label string
	goal            waitGoal
	strict          bool
	from            origin
	// started is when the wait began, by Options.Now, for the timeout.
	started   time.Time
	finishing bool
	then      func(api.Server, error) move

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

// waitFor parks the chain until server id, named name ("" takes any
// name), reaches goal, the wait times out (Options.Timeout, by
// Options.Now, checked on every look at it; a *TimeoutError), or the run
// stops; then it goes on with then, given the server as last seen. A
// server of that id under another name is an error: ids can be reissued,
// or an answer named the wrong server. With strict, a server that
// settles in a status other than the goal's ends the wait at once with a
// *SettledError. It emits an EventStill for step s (when not nil) on every
// look that finds the server still on its way.
func (ch *chain) waitFor(s *stepRun, id int64, name string, goal waitGoal, strict bool, from origin, then func(api.Server, error) move) move {
	label := name
	if label == "" {
		label = "server"
	}
	w := &waiter{
		ch: ch, step: s, id: id, expected: name, label: label, goal: goal, strict: strict, from: from,
		started: ch.r.opts.Now(), finishing: ch.finishing, then: then, lastStatus: "not seen yet",
	}
	return move{wait: w}
}

// wait is waitFor as a step of an apply waits: not strict, a timeout says
// what to do, and the continuation k is given only the error, so the
// waiter keeps no copy of the server.
func (ch *chain) wait(s *stepRun, id int64, name string, goal waitGoal, from origin, k then) move {
	m := ch.waitFor(s, id, name, goal, false, from, func(_ api.Server, err error) move {
		var timeout *TimeoutError
		if errors.As(err, &timeout) {
			err = fmt.Errorf("%w; raise -timeout or run apply again later", err)
		}
		return k(err)
	})
	m.wait.forget = true
	return m
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

// see judges a look at w's server. It records what it saw in w.
func (w *waiter) see(v view) (verdict, api.Server, error) {
	if v.err == nil {
		srv, found := v.srv, v.found
		if !found && w.goal != goalGone && !v.complete {
			return lookAgain, w.seen(), nil
		}
		if !found && w.goal != goalGone {
			return over, w.seen(), fmt.Errorf("%s (id %d) disappeared while waiting for it to %s; someone else deleted it — run plan again", w.label, w.id, w.goal)
		}
		if found && w.expected != "" && srv.Name != w.expected && w.goal != goalGone {
			return over, srv, fmt.Errorf("server id %d now carries the name %q, not %s: it is not the server this apply is waiting for; run plan to see where the account stands", w.id, srv.Name, w.label)
		}
		if found {
			if !w.forget {
				w.last = &srv
			}
			w.lastStatus, w.lastErr = string(srv.Status), nil
			if srv.Status == api.StatusSuspended && w.goal != goalGone {
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
	r := w.ch.r
	if waited := r.opts.Now().Sub(w.started); waited >= r.opts.Timeout {
		return over, w.seen(), &TimeoutError{Name: w.label, ID: w.id, Goal: w.goal.String(), After: r.opts.Timeout, LastStatus: w.lastStatus, LastErr: w.lastErr}
	}
	return waiting, w.seen(), nil
}

// seen is the server as last seen (empty when not seen, or forgotten).
func (w *waiter) seen() api.Server {
	if w.last == nil {
		return api.Server{}
	}
	return *w.last
}

// TimeoutError is a wait that ran out of time: Options.Timeout passed
// before the server reached its goal.
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

// WaitFor waits until server id, named name ("" takes any name), has the
// status want (api.StatusActive or api.StatusStopped), reading the account through
// the same shared poller as Run, with opts' Parallelism, Timeout,
// PollInterval, MaxPollInterval and Now. It returns the server as last
// seen, and an error when the server settles in another status (a
// *SettledError, at once), disappears, is suspended, or Timeout passes (a
// *TimeoutError), or when ctx ends (wrapping ErrAbandoned). It changes
// nothing in the account.
func WaitFor(ctx context.Context, acct engine.Account, id int64, name string, want api.Status, opts Options) (api.Server, error) {
	goal := goalActive
	switch want {
	case api.StatusActive:
	case api.StatusStopped:
		goal = goalStopped
	default:
		return api.Server{}, fmt.Errorf("wait for %s (id %d): can only wait for active or stopped, not %s", name, id, want)
	}
	r := newRun(ctx, acct, opts.withDefaults())
	defer r.close()
	type outcome struct {
		srv api.Server
		err error
	}
	out := make(chan outcome, 1)
	r.execute([]engine.Change{{Name: name}}, func(ch *chain) move {
		return ch.waitFor(nil, id, name, goal, true, untimed, func(srv api.Server, err error) move {
			out <- outcome{srv, err}
			return ended(err)
		})
	})
	select {
	case o := <-out:
		return o.srv, o.err
	default:
		// ctx ended before the wait could say so.
		return api.Server{}, fmt.Errorf("waiting for %s (id %d) to %s: %w", name, id, goal, ErrAbandoned)
	}
}
