package apply

import (
	"context"
	"sort"

	"github.com/vpsfleet/vpsfleet/engine"
)

// execute runs every change's chain, begun by begin (nil: its steps),
// on a bounded set of workers, and gathers the results. When ctx ends it
// returns at once, without waiting for the chains.
func (r *run) execute(changes []engine.Change, begin func(ch *chain) move) *Result {
	if begin == nil {
		begin = (*chain).steps
	}
	r.mu.Lock()
	r.chains = make([]*chain, len(changes))
	r.results = make([]*ServerResult, len(changes))
	r.mu.Unlock()
	start := func(i int) {
		ch := newChain(r, i, &changes[i])
		r.mu.Lock()
		r.chains[i] = ch
		r.mu.Unlock()
		r.drive(ch, begin(ch))
	}
	refuse := func(i int, why error) {
		r.end(newChain(r, i, &changes[i]), why)
	}
	order := r.order
	if order == nil {
		order = newPlanOrder(len(changes))
	}
	q := newWorkQueue(order, start, refuse)
	r.mu.Lock()
	r.queue = q
	r.mu.Unlock()
	q.run(r.opts.Parallelism)
	select {
	case <-r.queue.done:
	case <-r.ctx.Done():
		// Give chains that have already returned a chance to be counted,
		// but never wait for a request.
		select {
		case <-r.queue.done:
		default:
		}
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	visible := len(changes)
	if r.visible >= 0 && r.visible < visible {
		visible = r.visible
	}
	out := &Result{
		Results:          make([]ServerResult, visible),
		Created:          int(r.created.Load()),
		Interrupted:      r.interruptClosed() || r.ctx.Err() != nil,
		CreditsExhausted: r.creditsExhausted.Load(),
		Unauthorized:     r.unauthorized(),
	}
	for i, c := range changes[:visible] {
		switch {
		case r.results[i] != nil:
			out.Results[i] = *r.results[i]
		case r.chains[i] != nil:
			out.Results[i] = r.chains[i].abandoned()
		default:
			out.Results[i] = ServerResult{Name: c.Name, Outcome: OutcomeNotStarted, Err: ErrAbandoned, Actions: c.Actions}
		}
	}
	if out.Interrupted && out.OK() {
		// The stop came after every chain had ended: nothing was cut short.
		out.Interrupted = false
	}
	for name := range r.inFlight {
		if name != "" {
			out.InFlight = append(out.InFlight, name)
		}
	}
	sort.Strings(out.InFlight)
	return out
}

// drive carries out a chain's move: parks the chain with the poller, or
// ends it.
func (r *run) drive(ch *chain, m move) {
	switch {
	case m.wait != nil:
		r.poller.Park(m.wait)
	case m.pause != nil:
		r.poller.Sleep(m.pause)
	case m.background != nil:
		r.inBackground(ch, m.background)
	default:
		r.end(ch, m.err)
	}
}

// inBackground runs task on a goroutine of its own, with the run's stop
// context (abort for a finishing chain), and queues the continuation it
// returns.
func (r *run) inBackground(ch *chain, task func(ctx context.Context) func() move) {
	ctx := r.stop
	if ch.finishing {
		ctx = r.abort
	}
	r.background.Go(func() {
		next := task(ctx)
		r.queue.push(func() { r.drive(ch, next()) })
	})
}

// end ends ch's chain with err: it reports the end, records the result
// and tells the queue.
func (r *run) end(ch *chain, err error) {
	res := ch.finishWith(err)
	r.mu.Lock()
	r.results[ch.index] = &res
	r.chains[ch.index] = nil
	r.mu.Unlock()
	r.queue.ended(ch.index, res.Outcome)
}
