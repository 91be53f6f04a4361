package poll

import "time"

// Pause is a parked chain that waits for a while (d), then goes on with
// then(true); then(false) when the chain must stop before that (halted,
// or Poller.Halt).
type Pause struct {
	d         time.Duration
	finishing bool
	halted    func() bool
	then      func(ok bool)
	timer     *time.Timer
	done      bool
}

// NewPause returns a pause of d for a chain (finishing: one the first
// Ctrl-C does not stop), which must stop once halted reports so, and goes
// on with then. It is not parked until Poller.Sleep.
func NewPause(d time.Duration, finishing bool, halted func() bool, then func(ok bool)) *Pause {
	return &Pause{d: d, finishing: finishing, halted: halted, then: then}
}

// Sleep parks a pause; when the chain must stop, it goes on at once (on
// a worker) with then(false).
func (p *Poller) Sleep(ps *Pause) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.haltsLocked(ps.finishing) || ps.halted() {
		ps.done = true
		p.run.Push(func() { ps.then(false) })
		return
	}
	p.pauses[ps] = struct{}{}
	ps.timer = time.AfterFunc(ps.d, func() { p.wake(ps) })
}

// wake ends a pause whose time has passed.
func (p *Poller) wake(ps *Pause) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ps.done {
		return
	}
	ps.done = true
	delete(p.pauses, ps)
	p.run.Push(func() { ps.then(true) })
}
