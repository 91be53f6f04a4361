package apply

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply/poll"
	"github.com/vpsfleet/vpsfleet/schema"

	"github.com/vpsfleet/vpsfleet/api"
)

// chain is one server's sequence of steps. It runs on one worker at a
// time, from one move to the next (see move), and holds no goroutine
// while it is parked.
type chain struct {
	r     *run
	index int
	c     *engine.Change
	start time.Time

	// changed is set once a request that may have changed the account was
	// sent: before it, the server counts as not started.
	changed atomic.Bool
	// id is the server's current id (the new one once created).
	id   atomic.Int64
	note string
	// failReported is set once a failed step emitted its EventFail.
	failReported atomic.Bool
	// finishing is set while the chain completes a create_before_destroy
	// replacement whose old server is deleted (see finish). Only the
	// worker running the chain reads or writes it; a waiter copies it.
	finishing bool
	// batch is the rollout batch of the change; hidden marks the chain of
	// a watch (see watches), which reports nothing.
	batch  Batch
	hidden bool
}

// call runs one request of the chain (see run.callMode): once finishing,
// the Interrupt no longer refuses it.
func (ch *chain) call(fn func(ctx context.Context) error) error {
	return ch.r.callMode(ch.c.Name, ch.finishing, fn)
}

// halted reports whether the chain must stop: the run is stopped, or, while
// finishing, aborted.
func (ch *chain) halted() bool {
	if ch.finishing {
		return ch.r.aborted()
	}
	return ch.r.stopped()
}

// finish puts the chain in finishing mode until endFinish. A
// create_before_destroy replacement whose old server has been deleted is
// completed (wait for the deletion, rename) even after the first Ctrl-C:
// stopping there would leave the new server under its temporary name,
// which the next plan would not recognise.
func (ch *chain) finish() {
	ch.finishing = true
	ch.r.finishers.Add(1)
}

// endFinish leaves finishing mode; it does nothing when the chain is not
// in it.
func (ch *chain) endFinish() {
	if ch.finishing {
		ch.finishing = false
		ch.r.finishers.Add(-1)
	}
}

func newChain(r *run, index int, c *engine.Change) *chain {
	ch := &chain{r: r, index: index, c: c, start: r.opts.Now(), hidden: r.visible >= 0 && index >= r.visible}
	if c.Before != nil {
		ch.id.Store(c.Before.ID)
	}
	if g := r.groups[c.Group]; c.Batch > 0 && g != nil && g.Rollout != nil {
		ch.batch = Batch{Group: c.Group, Number: c.Batch, Of: g.Rollout.Batches}
	}
	return ch
}

// emit reports e of the chain's server, with its batch; a watch's chain
// reports nothing.
func (ch *chain) emit(e Event) {
	if ch.hidden {
		return
	}
	e.Batch = ch.batch
	ch.r.progress.emit(e)
}

// errSuspended marks a change refused because the live server is suspended.
var errSuspended = errors.New("suspended")

// finishWith reports how the chain ended, with err, and returns its
// result.
func (ch *chain) finishWith(err error) ServerResult {
	res := ch.result(err)
	switch {
	case err == nil:
		ch.emit(Event{Server: ch.c.Name, Kind: EventComplete, Elapsed: res.Elapsed, ID: res.ID, Outcome: res.Outcome, Note: ch.note})
	case ch.failReported.Load():
		// The failed step has already reported it.
	case res.Outcome == OutcomeNotStarted:
		ch.emit(Event{Server: ch.c.Name, Kind: EventSkip, Outcome: res.Outcome, Err: err})
	default:
		ch.emit(Event{Server: ch.c.Name, Kind: EventFail, Elapsed: res.Elapsed, ID: res.ID, Outcome: res.Outcome, Err: err})
	}
	return res
}

// result classifies err into an outcome.
func (ch *chain) result(err error) ServerResult {
	res := ServerResult{
		Name:    ch.c.Name,
		Err:     err,
		ID:      ch.id.Load(),
		Elapsed: ch.r.opts.Now().Sub(ch.start),
		Actions: ch.c.Actions,
		Note:    ch.note,
		Outcome: ch.outcome(err),
		Batch:   ch.batch,
	}
	return res
}

// outcome classifies how the chain ends (or, for a step, would end) with
// err.
func (ch *chain) outcome(err error) Outcome {
	switch {
	case err == nil:
		return OutcomeDone
	case !ch.changed.Load() && (errors.Is(err, ErrInterrupted) || errors.Is(err, ErrAbandoned) ||
		errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrCredits) || errors.Is(err, errSuspended) ||
		errors.Is(err, ErrRolloutStopped) || errors.Is(err, ErrDependency)):
		return OutcomeNotStarted
	case errors.Is(err, ErrInterrupted) || errors.Is(err, ErrAbandoned):
		return OutcomeInterrupted
	default:
		return OutcomeFailed
	}
}

// abandoned is the result of a chain still running when Apply gave up on
// it (its context was cancelled). Only atomic fields are read; the caller
// holds r.mu.
func (ch *chain) abandoned() ServerResult {
	c := ch.c
	res := ServerResult{
		Name:    c.Name,
		Outcome: OutcomeNotStarted,
		Err:     ErrAbandoned,
		ID:      ch.id.Load(),
		Elapsed: ch.r.opts.Now().Sub(ch.start),
		Actions: c.Actions,
		Batch:   ch.batch,
	}
	if ch.changed.Load() || ch.r.inFlight[c.Name] > 0 {
		res.Outcome = OutcomeInterrupted
	}
	return res
}

// steps begins the change's actions in order. It never panics on a
// malformed change: it fails the server with a message instead.
func (ch *chain) steps() move {
	c := ch.c
	before, after := c.Before, c.After
	if ch.hidden {
		return ch.watch()
	}
	if len(c.Actions) == 0 {
		return ended(nil)
	}
	if before != nil && before.Status == api.StatusSuspended {
		return ended(fmt.Errorf("%w: %s (id %d) is suspended by the provider and accepts no action; have it unsuspended, then run apply again",
			errSuspended, before.Name, before.ID))
	}
	needsCreate := c.Has(engine.ActionCreate) || c.Has(engine.ActionReplace)
	if needsCreate && after == nil {
		return ended(fmt.Errorf("the plan is malformed: %s is to be created but has no desired state; run plan again", c.Name))
	}
	if !c.Has(engine.ActionCreate) && before == nil {
		return ended(fmt.Errorf("the plan is malformed: %s has no live state to act on; run plan again", c.Name))
	}
	if needsCreate && ch.r.creditsExhausted.Load() {
		return ended(ErrCredits)
	}
	if ch.r.stopped() {
		return ended(ch.r.stopErr())
	}

	switch {
	case c.Has(engine.ActionReboot):
		return ch.power(before.ID, engine.ActionReboot, func(err error) move {
			if err != nil {
				return ended(err)
			}
			return ch.healthy(before.ID, ended)
		})
	case c.Has(engine.ActionDelete):
		return ch.deleteServer(before.ID, before.Name, nil, ended)
	case c.Has(engine.ActionCreate):
		return ch.createAndPower(after.Name, ended)
	case c.Has(engine.ActionReplace) && c.CreateBeforeDestroy:
		return ch.replaceCreateFirst(ended)
	case c.Has(engine.ActionReplace):
		return ch.deleteServer(before.ID, before.Name, nil, func(err error) move {
			if err != nil {
				return ended(err)
			}
			return ch.createServer(after.Name, func(id int64, err error) move {
				if err != nil && id == 0 {
					return ended(fmt.Errorf("%w; the old %s (id %d) is deleted and its replacement was not created: the next apply creates it",
						err, before.Name, before.ID))
				}
				if err != nil {
					return ended(err)
				}
				return ch.offOrHealthy(id, ended)
			})
		})
	default:
		return ch.inPlace(ended)
	}
}

// watch waits for a settling server of the change's group (a watch's
// chain, see watches) to be active, then runs the group's health check.
// A server that settles in another status ends the watch at once: it
// stays down.
func (ch *chain) watch() move {
	b := ch.c.Before
	return ch.waitFor(nil, b.ID, b.Name, poll.GoalActive, true, poll.Untimed, func(_ api.Server, err error) move {
		if err != nil {
			return ended(err)
		}
		return ch.healthy(b.ID, ended)
	})
}

// createAndPower creates name, waits for it to be active, then stops it
// when the desired power is off, or runs the group's health check.
func (ch *chain) createAndPower(name string, k then) move {
	return ch.createServer(name, func(id int64, err error) move {
		if err != nil {
			return k(err)
		}
		return ch.offOrHealthy(id, k)
	})
}

// offOrHealthy stops the new server id when the desired power is off,
// and otherwise runs the group's health check on it.
func (ch *chain) offOrHealthy(id int64, k then) move {
	if ch.c.After.Power == schema.PowerOff {
		return ch.power(id, engine.ActionStop, k)
	}
	return ch.healthy(id, k)
}

// stopIfOff stops the new server id when the desired power is off.
func (ch *chain) stopIfOff(id int64, k then) move {
	if ch.c.After.Power == schema.PowerOff {
		return ch.power(id, engine.ActionStop, k)
	}
	return k(nil)
}

// replaceCreateFirst is a create_before_destroy replace: create under a
// temporary name (or, when the plan names a Replacement an earlier apply
// left, take that one), wait, delete the old server, rename the new one.
// Once the old server's deletion is accepted, the wait for it and the
// rename run even after the first Ctrl-C (see finish). Every failure after
// the temporary server exists names it and says how to recover.
func (ch *chain) replaceCreateFirst(k then) move {
	before, after := ch.c.Before, ch.c.After
	var tmp string
	var swap func(id int64, err error) move
	made := func(id int64, err error) move {
		if err != nil {
			if id != 0 {
				return k(fmt.Errorf("%w; the replacement %s (id %d) exists beside %s (id %d), which was not touched: %s",
					err, tmp, id, before.Name, before.ID, leftoverAdvice(tmp, id, after.Name)))
			}
			return k(err)
		}
		if after.Power == schema.PowerOn {
			return ch.healthy(id, func(err error) move { return swap(id, err) })
		}
		return swap(id, nil)
	}
	swap = func(id int64, err error) move {
		if err == nil {
			err = ch.gate()
		}
		if err != nil {
			return k(fmt.Errorf("%w; the replacement %s (id %d) exists beside %s (id %d), which was not touched: %s",
				err, tmp, id, before.Name, before.ID, leftoverAdvice(tmp, id, after.Name)))
		}
		return ch.deleteServer(before.ID, before.Name, ch.finish, func(err error) move {
			if err != nil {
				ch.endFinish()
				return k(fmt.Errorf("%w; the replacement %s (id %d) is running: run plan to see whether %s (id %d) is gone; if it is, %s, else delete the replacement (vpsfleet server delete %d)",
					err, tmp, id, before.Name, before.ID, renameAdvice(tmp, id, after.Name), id))
			}
			ch.id.Store(id)
			if err := ch.patch(id, engine.ActionRename, ch.renameRequest(), "from "+tmp); err != nil {
				ch.endFinish()
				return k(fmt.Errorf("%w; %s (id %d) is deleted and its replacement runs as %s (id %d): %s",
					err, before.Name, before.ID, tmp, id, renameAdvice(tmp, id, after.Name)))
			}
			ch.endFinish()
			return ch.stopIfOff(id, k)
		})
	}
	if r := ch.c.Replacement; r != nil {
		tmp = r.Name
		return ch.takeReplacement(r, func(err error) move { return made(r.ID, err) })
	}
	tmp = ch.r.opts.TempName(after.Name)
	return ch.createServer(tmp, made)
}

// takeReplacement makes the temporary server r, left by an earlier
// replacement, this replacement's new server: it waits for it to be
// active, as a create would.
func (ch *chain) takeReplacement(r *engine.ServerState, k then) move {
	s := ch.begin(engine.ActionCreate, r.ID, "finishing with "+r.Name)
	ch.id.Store(r.ID)
	return ch.wait(s, r.ID, r.Name, poll.GoalActive, poll.Untimed, func(err error) move { return k(s.end(err)) })
}

// renameRequest is the PATCH that gives the new server of a
// create_before_destroy replacement its name, and, when it was left by an
// earlier replacement, the hostname and backups the fleet asks for now.
func (ch *chain) renameRequest() api.UpdateRequest {
	after := ch.c.After
	name := after.Name
	req := api.UpdateRequest{Name: &name}
	if r := ch.c.Replacement; r != nil {
		if after.Hostname != "" && after.Hostname != r.Hostname {
			h := after.Hostname
			req.Hostname = &h
		}
		if after.BackupsEnabled != r.BackupsEnabled {
			b := after.BackupsEnabled
			req.BackupsEnabled = &b
		}
	}
	return req
}

// leftoverAdvice says what to do about a new server left beside the old
// one under its temporary name: apply again finishes the replacement
// with it (the planner knows the fleet's temporary names); any other name
// must be dealt with by hand.
func leftoverAdvice(tmp string, id int64, name string) string {
	if engine.IsTempName(tmp, name) {
		return fmt.Sprintf("run apply again, which finishes the replacement with it (or removes it if the fleet no longer asks for it), or delete it (vpsfleet server delete %d)", id)
	}
	return fmt.Sprintf("delete the replacement (vpsfleet server delete %d), then run apply again", id)
}

// renameAdvice says how to give a replacement left under its temporary
// name the name it should have.
func renameAdvice(tmp string, id int64, name string) string {
	if engine.IsTempName(tmp, name) {
		return fmt.Sprintf("run apply again, which renames it, or rename it (vpsfleet server update %d -name %s)", id, name)
	}
	return fmt.Sprintf("rename it (vpsfleet server update %d -name %s), or add moved { from = %q to = %q } to the fleet and run apply again",
		id, name, tmp, name)
}

// inPlace is an update and/or rename (one PATCH) followed by a start or
// stop, after the server has settled if it was in a transitional status.
func (ch *chain) inPlace(k then) move {
	before := ch.c.Before
	id := before.ID
	rest := func() move {
		if req, ok := ch.updateRequest(); ok {
			step := engine.ActionUpdate
			if req.Hostname == nil && req.BackupsEnabled == nil {
				step = engine.ActionRename
			}
			if err := ch.patch(id, step, req, ""); err != nil {
				return k(err)
			}
		}
		switch {
		case ch.c.Has(engine.ActionStart):
			return ch.power(id, engine.ActionStart, func(err error) move {
				if err != nil {
					return k(err)
				}
				return ch.healthy(id, k)
			})
		case ch.c.Has(engine.ActionStop):
			return ch.power(id, engine.ActionStop, k)
		}
		return k(nil)
	}
	if before.Status.Transitional() {
		return ch.settle(id, before.Name, func(err error) move {
			if err != nil {
				return k(err)
			}
			return rest()
		})
	}
	return rest()
}

// updateRequest is the PATCH of the changed fields only: the name when
// renamed, the hostname when managed and different, backups when
// different. ok is false when nothing is to be sent.
func (ch *chain) updateRequest() (req api.UpdateRequest, ok bool) {
	before, after := ch.c.Before, ch.c.After
	if after == nil {
		return req, false
	}
	if (ch.c.Has(engine.ActionRename) || ch.c.Has(engine.ActionUpdate)) && after.Name != "" && after.Name != before.Name {
		name := after.Name
		req.Name, ok = &name, true
	}
	if ch.c.Has(engine.ActionUpdate) {
		if after.Hostname != "" && after.Hostname != before.Hostname {
			h := after.Hostname
			req.Hostname, ok = &h, true
		}
		if after.BackupsEnabled != before.BackupsEnabled {
			b := after.BackupsEnabled
			req.BackupsEnabled, ok = &b, true
		}
	}
	return req, ok
}

// gate refuses to begin a next step once the chain must stop.
func (ch *chain) gate() error {
	if ch.halted() {
		return ch.r.stopErr()
	}
	return nil
}

// stepRun is one step of a chain in progress: its action and start.
type stepRun struct {
	ch      *chain
	action  engine.Action
	started time.Time
}

// begin announces a step.
func (ch *chain) begin(a engine.Action, id int64, note string) *stepRun {
	s := &stepRun{ch: ch, action: a, started: ch.r.opts.Now()}
	ch.emit(Event{Server: ch.c.Name, Kind: EventStart, Action: a, ID: id, Note: note})
	return s
}

// elapsed is the time since the step began.
func (s *stepRun) elapsed() time.Duration { return s.ch.r.opts.Now().Sub(s.started) }

// end reports the step done (err nil) or failed, and returns err.
func (s *stepRun) end(err error) error {
	e := Event{Server: s.ch.c.Name, Kind: EventDone, Action: s.action, Elapsed: s.elapsed(), ID: s.ch.id.Load()}
	if err != nil {
		e.Kind, e.Err, e.Outcome = EventFail, err, s.ch.outcome(err)
		s.ch.failReported.Store(true)
	}
	s.ch.emit(e)
	return err
}
