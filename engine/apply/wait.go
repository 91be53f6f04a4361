package apply

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
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

// snapshotSource yields the poll snapshots one wait reads.
type snapshotSource interface {
	// next blocks until the next snapshot, or returns the run's stop error.
	next() (pollSnapshot, error)
	close()
}

// sharedSource reads the shared poller.
type sharedSource struct {
	ch  *chain
	sub *pollSubscription
}

func (s *sharedSource) next() (pollSnapshot, error) {
	select {
	case <-s.ch.haltCh():
		return pollSnapshot{}, s.ch.r.stopErr()
	case snap := <-s.sub.updates:
		return snap, nil
	}
}

func (s *sharedSource) close() { s.ch.r.poller.unsubscribe(s.sub) }

func (ch *chain) source(id int64) snapshotSource {
	if ch.r.opts.source != nil {
		return ch.r.opts.source(ch, id)
	}
	return &sharedSource{ch: ch, sub: ch.r.poller.subscribe()}
}

// get reads one server under the request bound.
func (ch *chain) get(id int64) (*api.Server, error) {
	var srv *api.Server
	err := ch.call(func(ctx context.Context) error {
		var err error
		srv, err = ch.r.acct.GetServer(ctx, id)
		return err
	})
	return srv, err
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
		formatDuration(e.After), e.Name, e.ID, e.Goal, e.LastStatus)
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

// waitFor blocks until server id, named name ("" takes any name), reaches
// goal, the wait times out (Options.Timeout, by Options.Now, checked on
// every tick; a *TimeoutError), or the run stops. A server of that id
// under another name is an error: ids can be reissued, or an answer named
// the wrong server. With strict, a server that settles in
// a status other than the goal's ends the wait at once with a
// *SettledError. It emits an EventStill per tick for step s and returns
// the server as last seen.
func (ch *chain) waitFor(s *stepRun, id int64, name string, goal waitGoal, strict bool) (api.Server, error) {
	r := ch.r
	expected := name
	if name == "" {
		name = "server"
	}
	src := ch.source(id)
	defer src.close()
	start := r.opts.Now()
	var last api.Server
	lastStatus := "not seen yet"
	var lastErr error
	for {
		snap, err := src.next()
		if err != nil {
			return last, err
		}
		if snap.err == nil {
			srv, found := snap.servers[id]
			if !found && goal != goalGone && !snap.complete {
				// A list can miss a server when others are deleted
				// between its pages: ask for this one before concluding.
				got, gerr := ch.get(id)
				switch {
				case gerr == nil:
					srv, found = *got, true
				case api.IsNotFound(gerr):
				case ch.halted():
					return last, r.stopErr()
				default:
					snap.err = gerr
				}
			}
			if snap.err == nil {
				if !found && goal != goalGone {
					return last, fmt.Errorf("%s (id %d) disappeared while waiting for it to %s; someone else deleted it — run plan again", name, id, goal)
				}
				if found && expected != "" && srv.Name != expected && goal != goalGone {
					return srv, fmt.Errorf("server id %d now carries the name %q, not %s: it is not the server this apply is waiting for; run plan to see where the account stands", id, srv.Name, name)
				}
				if found {
					last, lastStatus, lastErr = srv, string(srv.Status), nil
					if srv.Status == api.StatusSuspended && goal != goalGone {
						return last, fmt.Errorf("%s (id %d) was suspended by the provider while waiting for it to %s; have it unsuspended, then run apply again", name, id, goal)
					}
				}
				if goal.reached(srv, found) {
					return srv, nil
				}
				if strict && found && !srv.Status.Transitional() {
					return last, &SettledError{Name: name, ID: id, Status: srv.Status, Want: goal.status()}
				}
				note := "status " + lastStatus
				if goal == goalGone {
					note = "still listed, status " + lastStatus
				}
				if s != nil {
					r.progress.emit(Event{Server: ch.c.Name, Kind: EventStill, Action: s.action, Elapsed: s.elapsed(), ID: id, Note: note})
				}
			}
		}
		if snap.err != nil {
			lastErr = snap.err
		}
		if waited := r.opts.Now().Sub(start); waited >= r.opts.Timeout {
			return last, &TimeoutError{Name: name, ID: id, Goal: goal.String(), After: r.opts.Timeout, LastStatus: lastStatus, LastErr: lastErr}
		}
	}
}

// wait is waitFor as a step of an apply waits: not strict, and a timeout
// says what to do.
func (ch *chain) wait(s *stepRun, id int64, name string, goal waitGoal) (api.Server, error) {
	srv, err := ch.waitFor(s, id, name, goal, false)
	var timeout *TimeoutError
	if errors.As(err, &timeout) {
		err = fmt.Errorf("%w; raise -timeout or run apply again later", err)
	}
	return srv, err
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
	ch := newChain(r, engine.Change{Name: name})
	return ch.waitFor(nil, id, name, goal, true)
}

// formatDuration prints d the way people write it: 10m, 1h30m, 42s, 1.5s.
func formatDuration(d time.Duration) string {
	if d >= time.Second {
		d = d.Round(time.Second)
	} else if d >= time.Millisecond {
		d = d.Round(time.Millisecond)
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
