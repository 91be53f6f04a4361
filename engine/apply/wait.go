package apply

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply/poll"
)

// TimeoutError is a wait that ran out of time: Options.Timeout passed
// before the server reached its goal. It is the error of package poll,
// whose waiters time out: an alias, so that callers keep writing
// apply.TimeoutError.
type TimeoutError = poll.TimeoutError

// SettledError is a wait for a status that ended because the server
// settled in another one, from which it will not move on its own. It is
// the error of package poll: an alias, so that callers keep writing
// apply.SettledError.
type SettledError = poll.SettledError

// waitFor parks the chain until server id, named name ("" takes any
// name), reaches goal, the wait times out (Options.Timeout, by
// Options.Now, checked on every look at it; a *TimeoutError), or the run
// stops; then it goes on with then, given the server as last seen. A
// server of that id under another name is an error: ids can be reissued,
// or an answer named the wrong server. With strict, a server that
// settles in a status other than the goal's ends the wait at once with a
// *SettledError. It emits an EventStill for step s (when not nil) on every
// look that finds the server still on its way.
func (ch *chain) waitFor(s *stepRun, id int64, name string, goal poll.Goal, strict bool, from poll.Origin, then func(api.Server, error) move) move {
	return ch.park(s, poll.Wait{ID: id, Name: name, Goal: goal, Strict: strict, From: from, Finishing: ch.finishing}, then)
}

// wait is waitFor as a step of an apply waits: not strict, a timeout says
// what to do, and the continuation k is given only the error, so the
// waiter keeps no copy of the server.
func (ch *chain) wait(s *stepRun, id int64, name string, goal poll.Goal, from poll.Origin, k then) move {
	w := poll.Wait{ID: id, Name: name, Goal: goal, From: from, Finishing: ch.finishing, Forget: true}
	return ch.park(s, w, func(_ api.Server, err error) move {
		var timeout *TimeoutError
		if errors.As(err, &timeout) {
			err = fmt.Errorf("%w; raise -timeout or run apply again later", err)
		}
		return k(err)
	})
}

// park is the move that parks the chain with the poller for w, on step s.
func (ch *chain) park(s *stepRun, w poll.Wait, then func(api.Server, error) move) move {
	return move{wait: poll.NewWaiter(w, &parked{ch: ch, step: s, then: then}, ch.r.opts.Now())}
}

// pause parks the chain for d: it goes on with then(true) once d has
// passed, then(false) when it must stop before that.
func (ch *chain) pause(d time.Duration, then func(ok bool) move) move {
	return move{pause: poll.NewPause(d, ch.finishing, ch.halted, func(ok bool) { ch.r.drive(ch, then(ok)) })}
}

// parked is a chain parked with the poller, as the poller sees it
// (poll.Chain): on step (nil: it reports nothing, as WaitFor's), going on
// with then.
type parked struct {
	ch   *chain
	step *stepRun
	then func(api.Server, error) move
}

// Halted reports whether the chain must stop (see chain.halted).
func (p *parked) Halted() bool { return p.ch.halted() }

// Get reads server id as one of the chain's requests.
func (p *parked) Get(id int64) (*api.Server, error) { return p.ch.get(id) }

// Still emits the step's EventStill.
func (p *parked) Still(id int64, note string) {
	if s := p.step; s != nil {
		p.ch.emit(Event{Server: p.ch.c.Name, Kind: EventStill, Action: s.action, Elapsed: s.elapsed(), ID: id, Note: note})
	}
}

// Then carries out the move the chain goes on with.
func (p *parked) Then(srv api.Server, err error) { p.ch.r.drive(p.ch, p.then(srv, err)) }

// pollRun is the run as its poller sees it (poll.Run).
type pollRun struct{ r *run }

// Push queues task on the run's work queue.
func (h pollRun) Push(task func()) { h.r.queue.push(task) }

// List is the poller's list: every page, one request slot. While a chain
// is finishing a replacement the Interrupt does not refuse it.
func (h pollRun) List(opts api.ListOptions) ([]api.Server, error) {
	return h.r.list(opts, h.r.finishers.Load() > 0)
}

// Quiet reports whether every chain still out is parked and no request
// of a chain is in flight, with the count of chain requests sent so far,
// read before the check.
func (h pollRun) Quiet() (sent int64, ok bool) {
	r := h.r
	sent = r.chainCalls.Load()
	if r.chainInFlight.Load() != 0 || r.queue == nil {
		return sent, false
	}
	return sent, r.queue.idle()
}

// Sent counts the requests chains have sent.
func (h pollRun) Sent() int64 { return h.r.chainCalls.Load() }

// AccountSize estimates how many servers the account holds before the
// poller has listed it: those the plan saw, and those made since.
func (h pollRun) AccountSize() int {
	return len(h.r.opts.KnownIDs) + int(h.r.created.Load())
}

// StopErr is why the run stopped.
func (h pollRun) StopErr() error { return h.r.stopErr() }

// WaitFor waits until server id, named name ("" takes any name), has the
// status want (api.StatusActive or api.StatusStopped), reading the account through
// the same shared poller as Run, with opts' Parallelism, Timeout,
// PollInterval, MaxPollInterval and Now. It returns the server as last
// seen, and an error when the server settles in another status (a
// *SettledError, at once), disappears, is suspended, or Timeout passes (a
// *TimeoutError), or when ctx ends (wrapping ErrAbandoned). It changes
// nothing in the account.
func WaitFor(ctx context.Context, acct engine.Account, id int64, name string, want api.Status, opts Options) (api.Server, error) {
	goal := poll.GoalActive
	switch want {
	case api.StatusActive:
	case api.StatusStopped:
		goal = poll.GoalStopped
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
		return ch.waitFor(nil, id, name, goal, true, poll.Untimed, func(srv api.Server, err error) move {
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
