package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
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

// ownSource GETs one server per tick: the per-server polling baseline.
type ownSource struct {
	ch       *chain
	id       int64
	interval time.Duration
	timer    *time.Timer
}

func (o *ownSource) next() (pollSnapshot, error) {
	r := o.ch.r
	o.timer.Reset(o.interval)
	select {
	case <-o.ch.haltCh():
		return pollSnapshot{}, r.stopErr()
	case <-o.timer.C:
	}
	o.interval = nextInterval(o.interval, r.opts.MaxPollInterval)
	srv, err := o.ch.get(o.id)
	switch {
	case err == nil:
		return pollSnapshot{servers: map[int64]api.Server{o.id: *srv}}, nil
	case api.IsNotFound(err):
		return pollSnapshot{servers: map[int64]api.Server{}}, nil
	case o.ch.halted():
		return pollSnapshot{}, r.stopErr()
	default:
		return pollSnapshot{err: err}, nil
	}
}

func (o *ownSource) close() { o.timer.Stop() }

func (ch *chain) source(id int64) snapshotSource {
	r := ch.r
	if r.opts.PerServerPolling {
		t := time.NewTimer(time.Hour)
		t.Stop()
		return &ownSource{ch: ch, id: id, interval: r.opts.PollInterval, timer: t}
	}
	return &sharedSource{ch: ch, sub: r.poller.subscribe()}
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

// waitFor blocks until server id (named name) reaches goal, the wait times
// out (ApplyOptions.Timeout, by ApplyOptions.Now, checked on every tick),
// or the run stops. It emits an EventStill per tick for step s and returns
// the server as last seen.
func (ch *chain) waitFor(s *stepRun, id int64, name string, goal waitGoal) (api.Server, error) {
	r := ch.r
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
			if !found && goal != goalGone && !r.opts.PerServerPolling {
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
				if found {
					last, lastStatus, lastErr = srv, string(srv.Status), nil
					if srv.Status == api.StatusSuspended && goal != goalGone {
						return last, fmt.Errorf("%s (id %d) was suspended by the provider while waiting for it to %s; have it unsuspended, then run apply again", name, id, goal)
					}
				}
				if goal.reached(srv, found) {
					return srv, nil
				}
				note := "status " + lastStatus
				if goal == goalGone {
					note = "still listed, status " + lastStatus
				}
				r.progress.emit(Event{Server: ch.c.Name, Kind: EventStill, Action: s.action, Elapsed: s.elapsed(), ID: id, Note: note})
			}
		}
		if snap.err != nil {
			lastErr = snap.err
		}
		if waited := r.opts.Now().Sub(start); waited >= r.opts.Timeout {
			msg := fmt.Sprintf("timed out after %s waiting for %s (id %d) to %s (last status %s)",
				formatDuration(r.opts.Timeout), name, id, goal, lastStatus)
			if lastErr != nil {
				msg += "; last error: " + lastErr.Error()
			}
			return last, fmt.Errorf("%s; raise -timeout or run apply again later", msg)
		}
	}
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
