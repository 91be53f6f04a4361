// Package poll is the executor's one waiter: every chain of a run that
// waits for its server (to be active, stopped, settled) parks
// here as a Waiter, and costs no goroutine; so does "server -wait". The
// Poller learns how long each kind of transition the run started takes,
// and looks at the account when the waiters are predicted done: one list
// for all of them, or a GET of each when they are fewer than a list has
// pages (pace.go). The run's final list is read as each page's servers
// are due (walk.go); servers created since the last list are looked at on
// its last pages only (tail.go). It hands a waiter's continuation back to
// the run's workers once its wait is over.
//
// Its interface with the executor is two small ones: Run, what it needs
// of the run (hand a task to the workers, list the account, whether the
// run is quiet, why it stopped), and Chain, what it needs of a parked
// chain (must it stop, a GET, a report that it still waits, and its
// continuation). It knows nothing of plans, steps or events. It imports
// api, engine (for the action kinds it learns) and internal/words.
package poll

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
)

// Poller is the one waiter: every parked chain of a run waits through
// it, so that waiting for a thousand servers costs about what waiting for
// one does. It looks at a waiting server when it expects the server to
// have reached its goal (see pace.go): by listing the account, which
// serves every waiter at once, or, when fewer waiters are due than a list
// has pages, by a GET of each, run on a worker (Run.Push). It hands a
// waiter's continuation (Chain.Then) back to the workers once its wait is
// over.
//
// It holds no goroutine per waiter: one loop decides and lists while
// anybody waits, and stops for good once its context ends. Its methods
// are safe for concurrent use.
type Poller struct {
	run Run
	ctx context.Context
	cfg Config

	mu      sync.Mutex
	cohorts []*cohort
	byKind  map[engine.Action]*cohort
	parked  int
	pauses  map[*Pause]struct{}
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
	// (see Run.Quiet); unstable is set once such a Stable list failed
	// because the account kept changing: later lists are plain.
	quiet    *quietList
	unstable bool
	// unordered is set once a walk met ids out of order: later lists are
	// neither paced nor cut to a tail (walk.go). memo is the last list's
	// pages, for a tail (tail.go).
	unordered bool
	memo      *pageMemo
	// halting is closed by the first Halt, to end a paced walk's waits.
	halting chan struct{}
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

// Run is what a Poller needs of the run whose waiters it serves.
type Run interface {
	// Push hands task to the run's workers; a task pushed once the run
	// has shut its work queue is dropped.
	Push(task func())
	// List lists the account with opts (Stable, Visit, From), every
	// page, in one request slot.
	List(opts api.ListOptions) ([]api.Server, error)
	// Quiet reports whether every chain still out is parked and no
	// request of a chain is in flight, with the count of chain requests
	// sent so far (see Sent), read before the check.
	Quiet() (sent int64, ok bool)
	// Sent counts the requests the run's chains have sent so far.
	Sent() int64
	// AccountSize estimates how many servers the account holds, until
	// the poller has listed it.
	AccountSize() int
	// StopErr is why the run stopped: the error a wait ended by Halt, or
	// by its Chain's Halted, goes on with.
	StopErr() error
}

// Config tunes a Poller: the executor's Options.
type Config struct {
	// First is when a waiter is first looked at, and the first interval
	// between the looks at one whose transition the poller cannot
	// predict; Max caps that interval (which grows ×1.5 a look), and how
	// long a waiter predicted done may wait to be looked at with others.
	First, Max time.Duration
	// Timeout bounds each wait, by Now from when its waiter began.
	Timeout time.Duration
	// PerServer replaces the lists by a GET of each waiting server on its
	// own backoff: the baseline of the benchmarks.
	PerServer bool
	// Rounds is how many transitions of one kind the run expects to wait
	// out one after another (a rollout's batches); 0 means 1. The first
	// transition of a kind is learned the coarser the more rounds follow
	// it (pace.go).
	Rounds int
	// Now is the run's clock, for the timeouts; nil: time.Now. The
	// poller's own timing is by time.Now.
	Now func() time.Time
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

// New returns the poller of run, whose loop ends for good once ctx ends
// (the executor's abort context).
func New(ctx context.Context, run Run, cfg Config) *Poller {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Poller{
		run: run, ctx: ctx, cfg: cfg,
		byKind:  make(map[engine.Action]*cohort),
		pauses:  make(map[*Pause]struct{}),
		listed:  -1,
		kick:    make(chan struct{}, 1),
		halting: make(chan struct{}),
	}
}

// never is a time later than any the poller plans for.
var never = time.Unix(1<<62, 0)

// Park registers w. Only lists that begin after Park returns serve it,
// so a view never predates the action it waits on. When the chain must
// stop, w goes on at once (on a worker) with the run's stop error. A
// waiter is parked once.
func (p *Poller) Park(w *Waiter) {
	p.mu.Lock()
	if p.haltsLocked(w.finishing) || w.chain.Halted() {
		p.mu.Unlock()
		p.stop(w)
		return
	}
	now := time.Now()
	w.since, w.seq = now, p.seq
	p.seq++
	c, fresh := p.cohortLocked(w.from.Kind)
	c.ws = append(c.ws, w)
	p.parked++
	p.mostParked = max(p.mostParked, p.parked)
	soonest := never
	switch {
	case fresh || p.cfg.PerServer || c.kind == "":
		soonest = now.Add(p.cfg.First)
	case c.model.fastest > 0:
		soonest = now.Add(c.model.fastest)
	}
	if !p.running {
		p.running = true
		p.beat = now.Add(p.cfg.Max)
		p.loops.Go(p.loop)
	} else if soonest.Before(p.wakeAt) {
		p.kickLoop()
	}
	p.mu.Unlock()
}

// Halt ends the waits and pauses of every chain that must stop: with all,
// every one; otherwise all but the finishing ones; and so every wait
// parked later. They go on with the run's stop error (a pause with
// then(false)). A waiter being looked at ends when its look returns.
func (p *Poller) Halt(all bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case all:
		p.halted = haltAll
	case p.halted == haltNone:
		p.halted = haltStop
	}
	select {
	case <-p.halting:
	default:
		close(p.halting)
	}
	for _, c := range p.cohorts {
		for _, w := range c.ws {
			if w.done || w.away || !p.haltsLocked(w.finishing) {
				continue
			}
			p.removeLocked(c, w)
			p.stop(w)
		}
	}
	for ps := range p.pauses {
		if !p.haltsLocked(ps.finishing) {
			continue
		}
		ps.timer.Stop()
		ps.done = true
		delete(p.pauses, ps)
		p.run.Push(func() { ps.then(false) })
	}
	p.kickLoop()
}

// haltsLocked reports whether a chain (finishing or not) must stop.
func (p *Poller) haltsLocked(finishing bool) bool {
	return p.halted == haltAll || (p.halted == haltStop && !finishing)
}

// stop hands w's continuation to the workers, with the run's stop error.
func (p *Poller) stop(w *Waiter) {
	p.run.Push(func() { w.chain.Then(w.seen(), p.run.StopErr()) })
}

func (p *Poller) kickLoop() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// removeLocked takes w out of the poller.
func (p *Poller) removeLocked(c *cohort, w *Waiter) {
	w.done = true
	c.dead++
	p.parked--
}

// Wait blocks until no loop goroutine is left. Call it only once the
// poller's context has ended or nobody waits any more.
func (p *Poller) Wait() { p.loops.Wait() }

// Stats is what a Poller has done so far, for tests and benchmarks.
type Stats struct {
	// Lists and Looks count the lists of the account and the GETs of
	// single servers it began.
	Lists, Looks int
	// Parked counts the waiters parked now, MostParked the most at once.
	Parked, MostParked int
	// Running reports whether its loop runs.
	Running bool
}

// Stats returns what p has done so far.
func (p *Poller) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Stats{Lists: p.lists, Looks: p.looks, Parked: p.parked, MostParked: p.mostParked, Running: p.running}
}

// Seen returns what w has seen so far: whether it was looked at, the
// last status seen ("not seen yet" before), and the error of the last
// look, if it failed.
func (p *Poller) Seen(w *Waiter) (looked bool, status string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return !w.looked.IsZero(), w.lastStatus, w.lastErr
}

// loop decides, sleeps until the time comes, and looks, until nobody
// waits or the context ends.
func (p *Poller) loop() {
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
			stills := p.beatLocked(now)
			p.mu.Unlock()
			for _, s := range stills {
				s.report()
			}
			continue
		}
		if next.list {
			p.mu.Unlock()
			p.listAndDeliver(next)
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
			p.run.Push(func() { p.look(w, next.learn) })
		}
	}
}

// listAndDeliver lists the account (or, for a tail, its last pages:
// tail.go) and shows every waiter parked before the list began what it
// saw. A final list (one due to serve every waiter) is Stable when the run
// is quiet (every chain parked, no request of one in flight), so that the
// run's final check can reuse it if nothing is sent after it: then it
// costs what that check would have. A paced list is read as its pages'
// waiters are predicted done (walk.go).
func (p *Poller) listAndDeliver(next tick) {
	gen, quiet := p.run.Quiet()
	p.mu.Lock()
	seq := p.seq
	tail := next.tail
	if next.final && quiet && !p.unstable {
		// Likely the last look of the run: the whole list, which the
		// final check can reuse, costs less than a tail and that check.
		tail = nil
	}
	stable := next.final && quiet && !p.unstable
	p.lists++
	var served []*Waiter
	if next.paced {
		for _, c := range p.cohorts {
			for _, w := range c.ws {
				if !w.done && !w.away && w.seq < seq {
					served = append(served, w)
				}
			}
		}
	}
	wk := p.newWalkerLocked(next.paced, served)
	p.mu.Unlock()

	opts := api.ListOptions{Stable: stable, Visit: wk.visit}
	if tail != nil {
		opts.From = tail.link
	}
	t0 := time.Now()
	servers, err := p.run.List(opts)
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
		again  []*Waiter
		stills []still
	)
	p.mu.Lock()
	if err == nil {
		p.noteLocked(wk, tail, len(servers), gen)
	} else if tail != nil {
		p.memo = nil
	}
	switch {
	case err == nil && tail == nil:
		p.listed = len(servers)
		if stable {
			p.quiet = &quietList{servers: servers, gen: gen}
		}
	case stable && errors.Is(err, api.ErrListUnstable):
		p.unstable = true
	}
	var shown map[*Waiter]bool
	if tail != nil {
		shown = make(map[*Waiter]bool, len(tail.want))
	}
	for _, c := range p.cohorts {
		for _, w := range c.ws {
			if w.done || w.away || w.seq >= seq {
				continue
			}
			v := view{err: err}
			if i, ok := index[w.id]; ok {
				v.srv, v.found = servers[i], true
				if shown != nil {
					shown[w] = true
				}
			} else if tail != nil && err == nil {
				// Not shown: it may be on an earlier page.
				continue
			}
			switch verdict, srv, werr := p.seeLocked(c, w, v, t0, t1); verdict {
			case over:
				p.removeLocked(c, w)
				done = append(done, func() { w.chain.Then(srv, werr) })
			case lookAgain:
				w.away = true
				p.looks++
				again = append(again, w)
			default:
				if err == nil {
					stills = append(stills, w.still())
				}
			}
		}
	}
	if tail != nil && err == nil {
		for _, w := range tail.want {
			if !shown[w] && !w.done && !w.away {
				// A waiter it was for is not on it: the next look reads
				// the whole list.
				p.memo = nil
				break
			}
		}
	}
	p.mu.Unlock()
	for _, s := range stills {
		s.report()
	}
	for _, task := range done {
		p.run.Push(task)
	}
	for _, w := range again {
		p.run.Push(func() { p.look(w, nil) })
	}
}

// look GETs w's server on a worker and judges it; learn, when not nil, is
// the cohort whose learning look this is. A wait that is over goes on at
// once, on this worker.
func (p *Poller) look(w *Waiter, learn *cohort) {
	t0 := time.Now()
	srv, err := w.chain.Get(w.id)
	t1 := time.Now()
	v := view{complete: true}
	stop := false
	switch {
	case err == nil:
		v.srv, v.found = *srv, true
	case api.IsNotFound(err):
	case w.chain.Halted():
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
	c := p.byKind[w.from.Kind]
	learned, newest := c.model, w == c.newest()
	verdict, seen, werr := waiting, w.seen(), error(nil)
	if !stop {
		verdict, seen, werr = p.seeLocked(c, w, v, t0, t1)
	}
	if verdict == waiting && (stop || p.haltsLocked(w.finishing) || w.chain.Halted()) {
		verdict, seen, werr = over, w.seen(), p.run.StopErr()
	}
	s, still := w.still(), v.err == nil
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
		w.chain.Then(seen, werr)
		return
	}
	if still {
		s.report()
	}
}

// still is a report that a waiter is still on its way (Chain.Still),
// taken under the poller's lock and made once it is released.
type still struct {
	w    *Waiter
	note string
}

func (w *Waiter) still() still { return still{w, w.stillNote()} }

func (s still) report() { s.w.chain.Still(s.w.id, s.note) }

// beatLocked returns a report for every waiter nobody has looked at for
// Config.Max, so that progress goes on showing it waits.
func (p *Poller) beatLocked(now time.Time) []still {
	var stills []still
	cut := now.Add(-p.cfg.Max)
	for _, c := range p.cohorts {
		for _, w := range c.ws {
			if w.done || w.away {
				continue
			}
			if last := w.looked; last.IsZero() && w.since.After(cut) || !last.IsZero() && last.After(cut) {
				continue
			}
			stills = append(stills, w.still())
		}
	}
	p.beat = now.Add(p.cfg.Max)
	return stills
}

// LastQuiet returns the servers of the last Stable list that began while
// the run was quiet (Run.Quiet), when no request of a chain was sent
// after it began (Run.Sent): the account as it is now, which the run's
// final check may use instead of listing again. ok is false otherwise.
func (p *Poller) LastQuiet() (servers []api.Server, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.quiet == nil || p.run.Sent() != p.quiet.gen {
		return nil, false
	}
	return p.quiet.servers, true
}
