package apply

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
)

// poller is the one waiter: every parked chain of a run waits through it,
// so that waiting for a thousand servers costs about what waiting for one
// does. It looks at a waiting server when it expects the server to have
// reached its goal (see pace.go): by listing the account, which serves
// every waiter at once, or, when fewer waiters are due than a list has
// pages, by a GET of each, run on a worker. It hands a waiter's
// continuation back to the work queue once its wait is over.
//
// It holds no goroutine per waiter: one loop decides and lists while
// anybody waits, and stops for good once the run's abort context ends.
type poller struct {
	r   *run
	ctx context.Context
	// first, max and timeout are the run's PollInterval,
	// MaxPollInterval and Timeout; perServer replaces the lists by a GET
	// of each waiting server on its own backoff (the baseline of the
	// benchmarks).
	first, max, timeout time.Duration
	perServer           bool

	mu      sync.Mutex
	cohorts []*cohort
	byKind  map[engine.Action]*cohort
	parked  int
	pauses  map[*pause]struct{}
	// seq numbers parkings: a list serves only the waiters parked before
	// it began.
	seq uint64
	// halted is haltStop once nothing but finishing chains may wait,
	// haltAll once nothing may.
	halted haltLevel
	// listed is how many servers the last list returned (-1: none yet),
	// for the cost of a list.
	listed int
	// quiet is the last list that began while every chain was parked
	// (see run.quiet); unstable is set once such a Stable list failed
	// because the account kept changing: later lists are plain.
	quiet    *quietList
	unstable bool
	// wakeAt is when the sleeping loop wakes; beat when it next reports
	// the waiters it has not looked at for a while.
	wakeAt  time.Time
	beat    time.Time
	running bool
	kick    chan struct{}
	loops   sync.WaitGroup

	// What it did, for tests and benchmarks: lists and GETs sent, and
	// the most waiters parked at once.
	lists, looks, mostParked int
}

type haltLevel int

const (
	haltNone haltLevel = iota
	haltStop
	haltAll
)

// quietList is a Stable listing that began when no request of a chain
// was in flight, after gen chain requests had been sent.
type quietList struct {
	servers []api.Server
	gen     int64
}

// pause is a parked chain that waits for d to pass, then goes on with
// then(true); then(false) when the chain must stop before that.
type pause struct {
	ch        *chain
	d         time.Duration
	finishing bool
	then      func(ok bool) move
	timer     *time.Timer
	done      bool
}

// pause parks the chain for d (see pause).
func (ch *chain) pause(d time.Duration, then func(ok bool) move) move {
	return move{pause: &pause{ch: ch, d: d, finishing: ch.finishing, then: then}}
}

func newPoller(r *run) *poller {
	return &poller{
		r: r, ctx: r.abort,
		first: r.opts.PollInterval, max: r.opts.MaxPollInterval, timeout: r.opts.Timeout, perServer: r.opts.perServer,
		byKind: make(map[engine.Action]*cohort),
		pauses: make(map[*pause]struct{}),
		listed: -1,
		kick:   make(chan struct{}, 1),
	}
}

// never is a time later than any the poller plans for.
var never = time.Unix(1<<62, 0)

// park registers w. Only lists that begin after park returns serve it, so
// a view never predates the action it waits on. When the chain must stop,
// w goes on at once with the run's stop error.
func (p *poller) park(w *waiter) {
	p.mu.Lock()
	if p.haltsLocked(w.finishing) || w.ch.halted() {
		p.mu.Unlock()
		p.resume(w.ch, func() move { return w.then(w.seen(), w.ch.r.stopErr()) })
		return
	}
	now := time.Now()
	w.since, w.seq = now, p.seq
	p.seq++
	c, fresh := p.cohortLocked(w.from.kind)
	c.ws = append(c.ws, w)
	p.parked++
	p.mostParked = max(p.mostParked, p.parked)
	soonest := never
	switch {
	case fresh || p.perServer || c.kind == "":
		soonest = now.Add(p.first)
	case c.model.fastest > 0:
		soonest = now.Add(c.model.fastest)
	}
	if !p.running {
		p.running = true
		p.beat = now.Add(p.max)
		p.loops.Go(p.loop)
	} else if soonest.Before(p.wakeAt) {
		p.kickLoop()
	}
	p.mu.Unlock()
}

// sleep parks a pause.
func (p *poller) sleep(ps *pause) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.haltsLocked(ps.finishing) || ps.ch.halted() {
		ps.done = true
		p.resume(ps.ch, func() move { return ps.then(false) })
		return
	}
	p.pauses[ps] = struct{}{}
	ps.timer = time.AfterFunc(ps.d, func() { p.wake(ps) })
}

// wake ends a pause whose time has passed.
func (p *poller) wake(ps *pause) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ps.done {
		return
	}
	ps.done = true
	delete(p.pauses, ps)
	p.resume(ps.ch, func() move { return ps.then(true) })
}

// halt ends the waits and pauses of every chain that must stop: with all,
// every one; otherwise all but the finishing ones. They go on with the
// run's stop error. A waiter being looked at ends when its look returns.
func (p *poller) halt(all bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case all:
		p.halted = haltAll
	case p.halted == haltNone:
		p.halted = haltStop
	}
	for _, c := range p.cohorts {
		for _, w := range c.ws {
			if w.done || w.away || !p.haltsLocked(w.finishing) {
				continue
			}
			p.removeLocked(c, w)
			p.resume(w.ch, func() move { return w.then(w.seen(), w.ch.r.stopErr()) })
		}
	}
	for ps := range p.pauses {
		if !p.haltsLocked(ps.finishing) {
			continue
		}
		ps.timer.Stop()
		ps.done = true
		delete(p.pauses, ps)
		p.resume(ps.ch, func() move { return ps.then(false) })
	}
	p.kickLoop()
}

// haltsLocked reports whether a chain (finishing or not) must stop.
func (p *poller) haltsLocked(finishing bool) bool {
	return p.halted == haltAll || (p.halted == haltStop && !finishing)
}

// resume hands a parked chain's continuation to the work queue.
func (p *poller) resume(ch *chain, next func() move) {
	p.r.queue.push(func() { p.r.drive(ch, next()) })
}

func (p *poller) kickLoop() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// removeLocked takes w out of the poller.
func (p *poller) removeLocked(c *cohort, w *waiter) {
	w.done = true
	c.dead++
	p.parked--
}

// wait blocks until no loop goroutine is left. Call it only once the run's
// abort context has ended or nobody waits any more.
func (p *poller) wait() { p.loops.Wait() }

// listCount returns how many times the poller listed the account so far.
func (p *poller) listCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lists
}

// loop decides, sleeps until the time comes, and looks, until nobody
// waits or the context ends.
func (p *poller) loop() {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		p.mu.Lock()
		if p.parked == 0 {
			p.running, p.wakeAt = false, never
			p.mu.Unlock()
			return
		}
		now := time.Now()
		next := p.decideLocked(now)
		wake := next.at
		if p.beat.Before(wake) {
			wake = p.beat
		}
		if wake.After(now) {
			p.wakeAt = wake
			p.mu.Unlock()
			timer.Reset(wake.Sub(now))
			select {
			case <-p.ctx.Done():
				p.mu.Lock()
				p.running, p.wakeAt = false, never
				p.mu.Unlock()
				return
			case <-p.kick:
				timer.Stop()
			case <-timer.C:
			}
			continue
		}
		p.wakeAt = now
		if !p.beat.After(now) {
			events := p.beatLocked(now)
			p.mu.Unlock()
			for _, e := range events {
				p.r.progress.emit(e)
			}
			continue
		}
		if next.list {
			p.mu.Unlock()
			p.listAndDeliver(next.final)
			continue
		}
		for _, w := range next.looks {
			w.away = true
			p.looks++
		}
		if next.learn != nil {
			next.learn.probing = true
		}
		p.mu.Unlock()
		for _, w := range next.looks {
			p.r.queue.push(func() { p.look(w, next.learn) })
		}
	}
}

// listAndDeliver lists the account and shows every waiter parked before
// the list began what it saw. A final list (one due to serve every waiter)
// is Stable when the run is quiet (every chain parked, no request of one
// in flight), so that the run's final check can reuse it if nothing is
// sent after it: then it costs what that check would have.
func (p *poller) listAndDeliver(final bool) {
	gen, quiet := p.r.quiet()
	p.mu.Lock()
	seq := p.seq
	stable := final && quiet && !p.unstable
	p.lists++
	p.mu.Unlock()

	t0 := time.Now()
	servers, err := p.r.listAll(stable)
	t1 := time.Now()

	var index map[int64]int
	if err == nil {
		index = make(map[int64]int, len(servers))
		for i := range servers {
			index[servers[i].ID] = i
		}
	}
	var (
		done   []func()
		again  []*waiter
		events []Event
	)
	p.mu.Lock()
	switch {
	case err == nil:
		p.listed = len(servers)
		if stable {
			p.quiet = &quietList{servers: servers, gen: gen}
		}
	case stable && errors.Is(err, api.ErrListUnstable):
		p.unstable = true
	}
	for _, c := range p.cohorts {
		for _, w := range c.ws {
			if w.done || w.away || w.seq >= seq {
				continue
			}
			v := view{err: err}
			if i, ok := index[w.id]; ok {
				v.srv, v.found = servers[i], true
			}
			switch verdict, srv, werr := p.seeLocked(c, w, v, t0, t1); verdict {
			case over:
				p.removeLocked(c, w)
				done = append(done, func() { p.r.drive(w.ch, w.then(srv, werr)) })
			case lookAgain:
				w.away = true
				p.looks++
				again = append(again, w)
			default:
				if e, ok := w.stillEvent(); ok && err == nil {
					events = append(events, e)
				}
			}
		}
	}
	p.mu.Unlock()
	for _, e := range events {
		p.r.progress.emit(e)
	}
	for _, task := range done {
		p.r.queue.push(task)
	}
	for _, w := range again {
		p.r.queue.push(func() { p.look(w, nil) })
	}
}

// look GETs w's server on a worker and judges it; learn, when not nil, is
// the cohort whose learning look this is. A wait that is over goes on at
// once, on this worker.
func (p *poller) look(w *waiter, learn *cohort) {
	t0 := time.Now()
	srv, err := w.ch.get(w.id)
	t1 := time.Now()
	v := view{complete: true}
	stop := false
	switch {
	case err == nil:
		v.srv, v.found = *srv, true
	case api.IsNotFound(err):
	case w.ch.halted():
		stop = true
	default:
		v = view{err: err}
	}
	p.mu.Lock()
	w.away = false
	if learn != nil {
		learn.probing = false
		learn.probes++
	}
	c := p.byKind[w.from.kind]
	learned, newest := c.model, w == c.newest()
	verdict, seen, werr := waiting, w.seen(), error(nil)
	if !stop {
		verdict, seen, werr = p.seeLocked(c, w, v, t0, t1)
	}
	if verdict == waiting && (stop || p.haltsLocked(w.finishing) || w.ch.halted()) {
		verdict, seen, werr = over, w.seen(), w.ch.r.stopErr()
	}
	e, still := w.stillEvent()
	still = still && v.err == nil
	if verdict == over {
		p.removeLocked(c, w)
	}
	switch {
	case learn != nil || c.model != learned || verdict == over && (newest || p.parked == 0):
		// What the cohort has learned, or which waiter is its newest,
		// changes every waiter's plan; with nobody left, the loop ends.
		p.kickLoop()
	case verdict != over:
		// Only this waiter's plan changed: wake the loop if it is due
		// before the loop means to wake.
		if p.schedule(c, w, newest); w.due.Before(p.wakeAt) {
			p.kickLoop()
		}
	}
	p.mu.Unlock()
	if verdict == over {
		p.r.drive(w.ch, w.then(seen, werr))
		return
	}
	if still {
		p.r.progress.emit(e)
	}
}

// stillEvent is the EventStill of a waiter still on its way.
func (w *waiter) stillEvent() (Event, bool) {
	if w.step == nil || w.ch.hidden {
		return Event{}, false
	}
	note := "status " + w.lastStatus
	if w.goal == goalGone {
		note = "still listed, status " + w.lastStatus
	}
	s := w.step
	return Event{Server: w.ch.c.Name, Kind: EventStill, Action: s.action, Elapsed: s.elapsed(), ID: w.id, Note: note, Batch: w.ch.batch}, true
}

// beatLocked returns an EventStill for every waiter nobody has looked at
// for MaxPollInterval, so that progress goes on showing it waits.
func (p *poller) beatLocked(now time.Time) []Event {
	var events []Event
	cut := now.Add(-p.max)
	for _, c := range p.cohorts {
		for _, w := range c.ws {
			if w.done || w.away {
				continue
			}
			if last := w.looked; last.IsZero() && w.since.After(cut) || !last.IsZero() && last.After(cut) {
				continue
			}
			if e, ok := w.stillEvent(); ok {
				events = append(events, e)
			}
		}
	}
	p.beat = now.Add(p.max)
	return events
}

// lastQuiet returns the servers of the last quiet Stable list, when no
// request of a chain was sent after it began; ok false otherwise.
func (p *poller) lastQuiet() ([]api.Server, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.quiet == nil || p.r.chainCalls.Load() != p.quiet.gen {
		return nil, false
	}
	return p.quiet.servers, true
}
