package apply

import (
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
	refuse := func(i int) {
		r.end(newChain(r, i, &changes[i]), errHeldBack)
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
	out := &Result{
		Results:          make([]ServerResult, len(changes)),
		Created:          int(r.created.Load()),
		Interrupted:      r.interruptClosed() || r.ctx.Err() != nil,
		CreditsExhausted: r.creditsExhausted.Load(),
		Unauthorized:     r.unauthorized(),
	}
	for i, c := range changes {
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
		r.poller.park(m.wait)
	case m.pause != nil:
		r.poller.sleep(m.pause)
	default:
		r.end(ch, m.err)
	}
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
