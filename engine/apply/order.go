package apply

import (
	"time"

	"github.com/vpsfleet/vpsfleet/engine/apply/rollout"
)

// startOrder decides when each change of a run may start: the one
// decision a scheduler replaces (depends_on ordering, rolling batches).
// The work queue asks it for a change whenever a worker is free and no
// parked chain is ready to go on, and tells it whenever a chain ends, so
// that an order may hold changes back until others have ended. Calls are
// serialised by the queue; an order never blocks. Its methods are
// exported so that a type of another package can be one: the rollout's
// rollout.Schedule.
type startOrder interface {
	// Next returns the index (into the run's changes) of a change that
	// may start now, or of one the order will never start, with why
	// (refuse not nil: the queue ends it as not started, for that
	// reason); ok false when it has neither now.
	Next() (i int, refuse error, ok bool)
	// Ended tells the order that change i's chain has ended with outcome.
	Ended(i int, outcome Outcome)
	// Remaining counts the changes not handed out yet.
	Remaining() int
	// Drain hands out every change not handed out yet, whether it may
	// start or not: the queue ends them as not started when nothing runs
	// or waits, Next gives none and Wake is zero, rather than wait for
	// ever.
	Drain() []int
	// Wake is when Next may give a change without any chain ending first
	// (a rollout's pause ends); zero when only an end can.
	Wake() time.Time
}

// planOrder starts every change at once, in plan order: the executor's
// default, bounded only by the workers.
type planOrder struct {
	n, given int
}

func newPlanOrder(n int) *planOrder { return &planOrder{n: n} }

func (o *planOrder) Next() (int, error, bool) {
	if o.given >= o.n {
		return 0, nil, false
	}
	o.given++
	return o.given - 1, nil, true
}

func (o *planOrder) Ended(int, Outcome) {}

func (o *planOrder) Remaining() int { return o.n - o.given }

func (o *planOrder) Drain() []int {
	var out []int
	for ; o.given < o.n; o.given++ {
		out = append(out, o.given)
	}
	return out
}

func (o *planOrder) Wake() time.Time { return time.Time{} }

var (
	_ startOrder = (*planOrder)(nil)
	_ startOrder = (*rollout.Schedule)(nil)
)
