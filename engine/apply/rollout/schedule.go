// Package rollout is how the groups of a plan (engine.Plan.Groups) order
// an apply: the Schedule that decides when each change may start
// (depends_on order; rollout batches under the max_unavailable budget,
// with pauses and max_failures), and the health-check runner that tells
// whether a server a rollout brought up is healthy (Checker, with the
// server's facts in the environment of the check, never a secret).
//
// It knows nothing of how a change is carried out: the executor
// (engine/apply) asks the Schedule for changes to start and tells it
// how each ended, and runs a Checker where a chain of steps needs a
// health check. It imports engine, engine/apply/outcome, api and
// internal/words.
package rollout

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply/outcome"
	"github.com/vpsfleet/vpsfleet/internal/words"
)

// The reasons a schedule refuses to start a change. Results and events
// carry them wrapped, with the outcome "not started": nothing was sent
// for the server.
var (
	// ErrStopped: the change's group stopped its rollout before the
	// change's batch (more failures than max_failures, or no room left
	// under max_unavailable).
	ErrStopped = errors.New("rollout stopped")
	// ErrDependency: a group the change waits for did not come up (for a
	// create or start), or was not deleted (for a delete).
	ErrDependency = errors.New("dependency not met")
)

// Schedule is the start order of a plan whose groups order it
// (engine.Plan.Groups): a change that brings a server up starts once
// every change that brings up a server of the groups it waits for has
// ended done, and every settling server of those groups is active; a
// delete once the deletes of the groups that depend on its group have
// ended done; and the changes a rollout governs run batch after batch
// (the plan's batches), each batch once the last has ended, its pause has
// passed and no more of the group's servers than max_failures have
// failed, each change of a batch only while the group's servers down plus
// those the rollout has taken down stay under max_unavailable. Everything
// else starts at once. Once the run is stopped (the first Ctrl-C), it
// starts nothing: it hands out every change left as refused.
//
// The units it orders are the plan's changes, then the run's watches of
// settling servers (see engine/apply.Run): a watch counts as a change
// that brings its server up. It is the executor's start order: its work
// queue asks for changes (Next), tells it of each end (Ended), and calls
// it from one goroutine at a time; a Schedule never blocks.
type Schedule struct {
	units  []unit
	groups map[string]*groupRun
	// ready are units that may start, refusals units that never will, in
	// the order they became so.
	ready    []int
	refusals []refusal
	left     int // units not handed out
	pausing  []*groupRun
	stopped  func() error
	announce func(b Batch, servers []string)
	scanned  int // units checked against stopped (see next)
}

// unit is one change (or watch) of a schedule.
type unit struct {
	c *engine.Change
	g *groupRun
	// up: it brings a server up; del: it deletes one; governed: its
	// group's rollout runs it in a batch; recovers: its server was down
	// and meant to be on; meantOn: it leaves its server running.
	up, del, governed, recovers, meantOn bool
	// waits are the groups it waits for.
	waits []*groupRun
	// given is set once it is handed out; started once to start.
	given, started bool
}

// refusal is a unit that will never start, and why.
type refusal struct {
	i   int
	why error
}

// groupRun is a group's state during the run.
type groupRun struct {
	label string
	// upLeft and delLeft count the group's units that bring a server up,
	// and that delete one, not ended; upBad and delBad name those that
	// ended without being done.
	upLeft, delLeft int
	upBad, delBad   []string
	// waiters are the units that wait for the group, not handed out.
	waiters []int

	// The rollout, when the group has one.
	rollout *engine.Rollout
	// down counts the group's servers meant on that are down and not
	// taken down by the rollout; inFlight those the rollout has taken
	// down and not brought back; recoverLeft the units that bring a down
	// server back, not ended.
	down, inFlight, recoverLeft int
	batches                     [][]int
	// cur is the batch being run, next the next of its units to start,
	// running its units started and not ended.
	cur, next, running int
	// announced is the number of the last batch announced.
	announced  int
	failed     []string
	pauseUntil time.Time
	halted     error
}

// NewSchedule orders units (the plan's changes, then its watches) by
// p's groups. stopped returns why the run stopped once it has (nil
// before); announce, when not nil, reports a batch that begins, with the
// names of its changes.
func NewSchedule(p *engine.Plan, units []engine.Change, stopped func() error, announce func(b Batch, servers []string)) *Schedule {
	s := &Schedule{units: make([]unit, len(units)), groups: make(map[string]*groupRun, len(p.Groups)), left: len(units), stopped: stopped, announce: announce}
	order := make([]*groupRun, len(p.Groups))
	for i := range p.Groups {
		g := &p.Groups[i]
		gr := &groupRun{label: g.Label, rollout: g.Rollout, down: g.Down}
		if g.Rollout != nil {
			gr.batches = make([][]int, g.Rollout.Batches)
		}
		s.groups[g.Label] = gr
		order[i] = gr
	}
	for i := range units {
		c := &units[i]
		u := &s.units[i]
		u.c, u.g = c, s.groups[c.Group]
		watch := i >= len(p.Changes)
		u.up, u.del, u.meantOn = c.BringsUp() || watch, c.Has(engine.ActionDelete), c.MeantOn() || watch
		u.recovers = c.Recovers() || watch
		g := u.g
		if g == nil {
			continue
		}
		for _, label := range c.WaitsFor {
			if w := s.groups[label]; w != nil && w != g {
				u.waits = append(u.waits, w)
				w.waiters = append(w.waiters, i)
			}
		}
		if u.up {
			g.upLeft++
		}
		if u.del {
			g.delLeft++
		}
		if c.Batch > 0 && g.rollout != nil && c.Batch <= len(g.batches) {
			u.governed = true
			g.batches[c.Batch-1] = append(g.batches[c.Batch-1], i)
			continue
		}
		if u.recovers {
			g.recoverLeft++
		}
	}
	for i := range s.units {
		switch u := &s.units[i]; {
		case u.g == nil:
			s.ready = append(s.ready, i)
		case !u.governed:
			s.check(i)
		}
	}
	for _, g := range order {
		s.roll(g)
	}
	return s
}

// Next returns the index (into the units) of a change that may start
// now, or of one that never will, with why (refuse not nil: its group's
// rollout stopped, wrapping ErrStopped; a group it waits for did not come
// up, wrapping ErrDependency; or the run stopped, with stopped's error);
// ok is false when it has neither now. It hands out a refusal first,
// else a unit that may start, else ends the pauses that are over and
// tries again. Each unit is handed out once.
func (s *Schedule) Next() (i int, refuse error, ok bool) {
	if err := s.stopped(); err != nil {
		for ; s.scanned < len(s.units); s.scanned++ {
			if !s.units[s.scanned].given {
				s.units[s.scanned].given = true
				s.left--
				return s.scanned, err, true
			}
		}
		return 0, nil, false
	}
	for {
		if len(s.refusals) > 0 {
			r := s.refusals[0]
			s.refusals = s.refusals[1:]
			if u := &s.units[r.i]; !u.given {
				u.given = true
				s.left--
				return r.i, r.why, true
			}
			continue
		}
		if len(s.ready) > 0 {
			i := s.ready[0]
			s.ready = s.ready[1:]
			if u := &s.units[i]; !u.given {
				u.given, u.started = true, true
				s.left--
				return i, nil, true
			}
			continue
		}
		if !s.endPauses() {
			return 0, nil, false
		}
	}
}

// endPauses goes on with the groups whose pause is over, and reports
// whether any was.
func (s *Schedule) endPauses() bool {
	now := time.Now()
	var still []*groupRun
	over := false
	for _, g := range s.pausing {
		if now.Before(g.pauseUntil) {
			still = append(still, g)
			continue
		}
		g.pauseUntil = time.Time{}
		over = true
		s.roll(g)
	}
	s.pausing = still
	return over
}

// Wake is when Next may give a change with no change ending first: the
// end of the soonest pause between batches; zero when only an end can.
func (s *Schedule) Wake() time.Time {
	var at time.Time
	for _, g := range s.pausing {
		if at.IsZero() || g.pauseUntil.Before(at) {
			at = g.pauseUntil
		}
	}
	return at
}

// Remaining counts the units not handed out yet.
func (s *Schedule) Remaining() int { return s.left }

// Drain hands out every unit not handed out yet, whether it may start or
// not, for the executor to end as not started: it calls Drain when
// nothing runs or waits, Next gives nothing and Wake is zero.
func (s *Schedule) Drain() []int {
	var out []int
	for i := range s.units {
		if u := &s.units[i]; !u.given {
			u.given = true
			out = append(out, i)
		}
	}
	s.left = 0
	return out
}

// Ended accounts for unit i's end with o: the groups it counts for, the
// rollout's budget and failures; then it lets what waited go on. Only
// outcome.Done counts as having come up (or been deleted); a governed
// change that ended outcome.Failed counts against max_failures, and its
// server as down.
func (s *Schedule) Ended(i int, o outcome.Outcome) {
	u := &s.units[i]
	g := u.g
	if g == nil {
		return
	}
	done := o == outcome.Done
	if u.up {
		g.upLeft--
		if !done {
			g.upBad = append(g.upBad, u.c.Subject())
		}
	}
	if u.del {
		g.delLeft--
		if !done {
			g.delBad = append(g.delBad, u.c.Subject())
		}
	}
	switch {
	case u.governed && u.started:
		g.inFlight--
		g.running--
		if o == outcome.Failed {
			g.failed = append(g.failed, u.c.Name)
			slices.Sort(g.failed)
			if u.meantOn {
				g.down++ // it may be gone, or not healthy
			}
		}
	case u.governed:
		// Refused before it started: its batch goes on without it.
	case u.recovers:
		g.recoverLeft--
		if done && g.down > 0 {
			g.down--
		}
	}
	if (u.up && (g.upLeft == 0 || !done)) || (u.del && (g.delLeft == 0 || !done)) {
		waiters := g.waiters
		g.waiters = nil
		for _, w := range waiters {
			if !s.units[w].given && !s.check(w) {
				g.waiters = append(g.waiters, w)
			}
		}
	}
	s.roll(g)
}

// check decides on a unit that is not governed: it may start (queued),
// will never start (refused), or still waits (false).
func (s *Schedule) check(i int) bool {
	u := &s.units[i]
	switch ok, why := s.dependencies(u); {
	case why != nil && u.governed:
		s.roll(u.g)
	case why != nil:
		s.refusals = append(s.refusals, refusal{i, why})
	case !ok:
		return false
	case u.governed:
		s.roll(u.g)
	default:
		s.ready = append(s.ready, i)
	}
	return true
}

// dependencies reports whether every group u waits for is ready for it,
// or why u can never start.
func (s *Schedule) dependencies(u *unit) (ok bool, why error) {
	ok = true
	for _, w := range u.waits {
		left, bad, what := w.upLeft, w.upBad, "come up"
		if u.del {
			left, bad, what = w.delLeft, w.delBad, "be deleted"
		}
		if len(bad) > 0 {
			return false, fmt.Errorf("%w: it waits for the servers of %s to %s, and %s did not; run apply again once %s is fixed",
				ErrDependency, w.label, what, namesUpTo(bad, 3), words.ItThem(len(bad)))
		}
		ok = ok && left == 0
	}
	return ok, nil
}

// roll starts what the group's rollout allows now: the next changes of
// the current batch while the budget has room, the next batch once the
// last has ended and its pause passed, or, once more servers failed than
// max_failures allows or no room is left for good, no more.
func (s *Schedule) roll(g *groupRun) {
	r := g.rollout
	if r == nil {
		return
	}
	for g.halted == nil && g.cur < len(g.batches) {
		batch := g.batches[g.cur]
		if g.next == len(batch) {
			if g.running > 0 {
				return // the batch runs
			}
			if len(g.failed) > r.MaxFailures {
				s.halt(g, fmt.Errorf("%w: %s failed in %s's rollout (batch %d of %d), more than max_failures %d allows; nothing more of %s was taken down: find out why, then run apply again, which goes on from where the account is",
					ErrStopped, countServersOf(len(g.failed), g.failed), g.label, g.cur+1, len(g.batches), r.MaxFailures, g.label))
				return
			}
			g.cur, g.next = g.cur+1, 0
			if g.cur < len(g.batches) && r.Pause > 0 {
				g.pauseUntil = time.Now().Add(r.Pause)
				s.pausing = append(s.pausing, g)
				return
			}
			continue
		}
		if !g.pauseUntil.IsZero() {
			return
		}
		i := batch[g.next]
		u := &s.units[i]
		if u.given {
			g.next++
			continue
		}
		ok, why := s.dependencies(u)
		if why != nil {
			s.refusals = append(s.refusals, refusal{i, why})
			g.next++
			continue
		}
		if !ok {
			return // the groups it waits for call again
		}
		if g.down+g.inFlight >= r.MaxUnavailable {
			if g.inFlight == 0 && g.recoverLeft == 0 {
				s.halt(g, fmt.Errorf("%w: %s of %s %s down and nothing this apply runs brings %s back, so max_unavailable %s (%d of the group) leaves no room to take another down; bring them back, then run apply again",
					ErrStopped, countServersOf(g.down, nil), g.label, words.IsAre(g.down), words.ItThem(g.down), r.Written, r.MaxUnavailable))
			}
			return
		}
		if g.announced != g.cur+1 {
			g.announced = g.cur + 1
			s.announceBatch(g, batch)
		}
		g.next++
		g.inFlight++
		g.running++
		s.ready = append(s.ready, i)
	}
}

// halt stops g's rollout for why: every governed unit not handed out is
// refused.
func (s *Schedule) halt(g *groupRun, why error) {
	g.halted = why
	for b := g.cur; b < len(g.batches); b++ {
		for _, i := range g.batches[b] {
			if !s.units[i].given {
				s.refusals = append(s.refusals, refusal{i, why})
			}
		}
	}
}

// announceBatch reports that batch (g's current one) begins.
func (s *Schedule) announceBatch(g *groupRun, batch []int) {
	if s.announce == nil {
		return
	}
	names := make([]string, len(batch))
	for k, i := range batch {
		names[k] = s.units[i].c.Name
	}
	s.announce(Batch{Group: g.label, Number: g.cur + 1, Of: len(g.batches)}, names)
}

// namesUpTo lists at most n names, then how many more.
func namesUpTo(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}

// countServersOf is "1 server (web-01)" or "3 servers (web-01, web-02, web-03)";
// without names, only the count.
func countServersOf(n int, names []string) string {
	out := fmt.Sprintf("%d servers", n)
	if n == 1 {
		out = "1 server"
	}
	if len(names) > 0 {
		out += " (" + namesUpTo(names, 5) + ")"
	}
	return out
}
