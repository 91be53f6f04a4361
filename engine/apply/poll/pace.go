package poll

import (
	"sort"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
)

// When the poller looks at a waiting server.
//
// Every server of a kind of transition a run starts (a create's
// provisioning, a start, a stop, a reboot) takes about as long as the
// others of that kind, and the poller learns how long from the waits it
// sees, by its own clock from when the request that began each transition
// was sent: a server seen done at age a bounds the duration from above
// (fastest), one seen on its way at age a from below (slowest). Servers'
// created_at and updated_at are not used: they are the provider's clock,
// and updated_at does not move when provisioning ends.
//
//   - Until one server of a kind has been seen done, the poller looks at
//     one of the oldest waiters of the kind, by a GET, at ages growing
//     10% at a time (learnGrowth): the first transition of a kind is seen
//     within 10% of its duration, for about 22 requests from 0.5 s to
//     4 s, and waiting costs nothing per server. A run that waits out
//     transitions of a kind in rounds, one after another (a rollout's
//     batches: Config.Rounds), lets its first be seen later, by 10% more
//     for each round up to 30% (maxGrowth), since that is still at most
//     10% of all its waiting: a rollout of ten batches learns 4 s in 9
//     looks.
//   - Once one has, every waiter is predicted done at its parking time
//     plus fastest. The newest waiter of a kind is looked at as soon as it
//     is predicted done; older ones may wait for it up to half the
//     duration (at most Config.Max, lateness), so that one list
//     serves them all. While the bounds are apart, a GET of a waiter
//     whose age lies between them halves the gap (refine); when the
//     tail of the account that shows it costs one page (tail.go), that
//     page is the look, and serves every waiter on it.
//   - A waiter seen still on its way after it was predicted done (the
//     kind's durations vary), or one whose transition the run did not
//     start (a server settling, the executor's WaitFor), is looked at on
//     a backoff of its own: Config.First (the executor's PollInterval)
//     first, then ×1.5 up to Config.Max (MaxPollInterval), as every
//     waiter was before.
//   - No waiter goes past its timeout without a look.
//
// A look at the waiters due serves them all by one list when they are
// more than a list has pages, else by a GET of each.
const (
	// learnGrowth is how much older a waiter of a kind not yet seen done
	// is at each look than at the last, in a run of one round;
	// roundGrowth is what each further round adds, up to maxGrowth.
	learnGrowth = 1.1
	roundGrowth = 0.1
	maxGrowth   = 1.3
	// lateness is the share of a kind's duration an older waiter may
	// wait, once predicted done, for the newest.
	lateness = 0.5
	// refineShare: the poller refines a kind's bounds until they are
	// within 1/refineShare of its duration (or a millisecond).
	refineShare = 100
	// learnTargets is how many of the oldest waiters of a kind take
	// turns at being looked at while the kind is learned: one stuck
	// server does not hold the others back.
	learnTargets = 3
)

// ListPageSize is the servers a page of the API's list holds: the poller
// counts a list of the account as a request for each.
const ListPageSize = 50

// cohort is the waiters of one kind of transition, in the order they
// were parked (so by age), and what has been learned of the kind.
type cohort struct {
	kind    engine.Action
	ws      []*Waiter
	dead    int
	model   transitionModel
	probing bool
	probes  int
}

// transitionModel bounds how long a kind of transition takes: slowest <
// duration <= fastest, once both are known (zero: not yet).
type transitionModel struct {
	fastest, slowest time.Duration
}

// tick is what the poller does next, at at: list the account, or GET
// each of looks (a learning look of cohort learn, when not nil). final is
// set when the tick is due to serve every waiter: it is expected to be the
// last, and its list can be the run's final check. paced is set when the
// list is walked as its pages' waiters are due (walk.go); at is then
// when the first page's are. tail, when not nil, cuts the list to its
// last pages (tail.go).
type tick struct {
	at    time.Time
	list  bool
	final bool
	paced bool
	tail  *tailPlan
	looks []*Waiter
	learn *cohort
}

// cohortLocked returns the cohort of kind, and whether it is new.
func (p *Poller) cohortLocked(kind engine.Action) (*cohort, bool) {
	if c, ok := p.byKind[kind]; ok {
		return c, false
	}
	c := &cohort{kind: kind}
	p.byKind[kind] = c
	p.cohorts = append(p.cohorts, c)
	return c, true
}

// listCost is the requests a list of the account is expected to take.
func (p *Poller) listCostLocked() int {
	n := p.listed
	if n < 0 {
		n = p.run.AccountSize()
	}
	return max(1, (n+ListPageSize-1)/ListPageSize)
}

// decideLocked plans the next tick. It schedules every waiter (setting
// its early and due times), takes the soonest due time, and looks then at
// every waiter whose early time has come.
func (p *Poller) decideLocked(now time.Time) tick {
	next := tick{at: never}
	for _, c := range p.cohorts {
		c.compact()
		newest := c.newest()
		for _, w := range c.ws {
			if w.done || w.away {
				continue
			}
			p.schedule(c, w, w == newest)
			if w.due.Before(next.at) {
				next.at = w.due
			}
		}
	}
	for _, c := range p.cohorts {
		if l, ok := p.learnLook(c, now); ok && l.at.Before(next.at) {
			next = l
		}
	}
	if next.at == never {
		return next
	}
	cost := p.listCostLocked()
	if next.learn != nil {
		// A list of one page shows every waiter for the price of a GET,
		// and so does a tail of one page.
		if cost <= 1 {
			next.list, next.looks = true, nil
		} else if t, ok := p.tailLocked(next.looks); ok && t.pages <= 1 {
			t.want = next.looks
			next.list, next.tail, next.looks = true, &t, nil
		}
		return next
	}
	for _, c := range p.cohorts {
		for _, w := range c.ws {
			if !w.done && !w.away && !w.early.After(next.at) {
				next.looks = append(next.looks, w)
			}
		}
	}
	if t, ok := p.tailLocked(next.looks); ok && !p.cfg.PerServer && t.pages < min(cost, len(next.looks)) {
		next.final = len(next.looks) == p.parked
		t.want = next.looks
		next.list, next.tail, next.looks = true, &t, nil
		return next
	}
	if !p.cfg.PerServer && len(next.looks) > cost {
		next.final = len(next.looks) == p.parked
		if next.final && cost > 1 && !p.unordered {
			next.paced = true
			if at := p.paceStartLocked(next.looks); at.Before(next.at) {
				next.at = at
			}
		}
		next.list, next.looks = true, nil
	}
	return next
}

// schedule sets w's early and due times: the look that serves it should
// come no sooner than early and no later than due.
func (p *Poller) schedule(c *cohort, w *Waiter, newest bool) {
	timeout := w.since.Add(p.cfg.Timeout)
	m := c.model
	switch {
	case p.cfg.PerServer || c.kind == "" || w.lagging:
		if w.every == 0 {
			w.every = p.cfg.First
		}
		base := w.since
		if !w.looked.IsZero() {
			base = w.looked
		}
		w.due = base.Add(w.every)
		w.early = w.due.Add(-w.every / 2)
		if p.cfg.PerServer {
			w.early = w.due
		}
	case m.fastest == 0:
		// Only learning looks, or its timeout.
		w.early, w.due = timeout, timeout
	default:
		ready := w.since.Add(m.fastest)
		allow := time.Duration(0)
		if !newest {
			allow = min(time.Duration(float64(m.fastest)*lateness), p.cfg.Max)
		}
		w.early, w.due = ready, ready.Add(allow)
	}
	if timeout.Before(w.due) {
		w.due = timeout
	}
	if w.due.Before(w.early) {
		w.early = w.due
	}
}

// learnLook plans the look that learns most of cohort c's duration: while
// no waiter of c has been seen done, one of its oldest at the next age;
// while the bounds are apart and some waiter is not yet predicted done, one
// whose age lies midway between them. ok is false when no such look is
// worth a request.
func (p *Poller) learnLook(c *cohort, now time.Time) (tick, bool) {
	if p.cfg.PerServer || c.kind == "" || c.probing {
		return tick{}, false
	}
	m := c.model
	if m.fastest == 0 {
		age := max(p.cfg.First, time.Duration(float64(m.slowest)*p.cfg.growth()))
		if m.slowest > 0 {
			age = min(age, m.slowest+p.cfg.Max)
		}
		var targets []*Waiter
		for _, w := range c.ws {
			if !w.done && !w.away {
				if targets = append(targets, w); len(targets) == learnTargets {
					break
				}
			}
		}
		if len(targets) == 0 {
			return tick{}, false
		}
		w := targets[c.probes%len(targets)]
		return tick{at: w.since.Add(age), looks: []*Waiter{w}, learn: c}, true
	}
	gap := m.fastest - m.slowest
	newest := c.newest()
	if m.slowest == 0 || gap <= max(m.fastest/refineShare, time.Millisecond) || newest == nil || !newest.since.Add(m.fastest).After(now) {
		return tick{}, false
	}
	mid := m.slowest + gap/2
	// The waiters whose ages are nearest mid, below and above it: one
	// near enough is looked at now, else the one that reaches mid
	// soonest, when it does.
	from := now.Add(-mid)
	i := sort.Search(len(c.ws), func(i int) bool { return !c.ws[i].since.Before(from) })
	younger, older := c.near(i, 1), c.near(i-1, -1)
	if older != nil && now.Sub(older.since) >= m.fastest {
		older = nil // predicted done: it tells nothing
	}
	best, off := (*Waiter)(nil), gap/4
	for _, w := range []*Waiter{younger, older} {
		if w == nil {
			continue
		}
		if d := (now.Sub(w.since) - mid).Abs(); d <= off {
			best, off = w, d
		}
	}
	switch {
	case best != nil:
		return tick{at: now, looks: []*Waiter{best}, learn: c}, true
	case younger != nil:
		return tick{at: younger.since.Add(mid), looks: []*Waiter{younger}, learn: c}, true
	}
	// Every waiter is older than mid: seen done, one would only say what
	// the list due for them soon will.
	return tick{}, false
}

// near returns the first waiter of c from index i on, going by step (1:
// younger, -1: older), that is parked, not being looked at and not
// lagging; nil if none.
func (c *cohort) near(i, step int) *Waiter {
	for ; i >= 0 && i < len(c.ws); i += step {
		if w := c.ws[i]; !w.done && !w.away && !w.lagging {
			return w
		}
	}
	return nil
}

// seeLocked judges a view of w, taken between t0 and t1, and learns from
// it: what the cohort's duration is, when w was last looked at, whether it
// lags behind its prediction.
func (p *Poller) seeLocked(c *cohort, w *Waiter, v view, t0, t1 time.Time) (verdict, api.Server, error) {
	verdict, srv, err := w.see(v, &p.cfg)
	if verdict == lookAgain {
		return verdict, srv, err
	}
	w.looked = t0
	if w.every > 0 {
		w.every = nextInterval(w.every, p.cfg.Max)
	}
	if c == nil || c.kind == "" || v.err != nil {
		return verdict, srv, err
	}
	m := &c.model
	switch {
	case verdict == over && err == nil:
		if d := t1.Sub(w.from.Sent); d > 0 && (m.fastest == 0 || d < m.fastest) {
			m.fastest = d
		}
	case verdict == waiting && v.found && v.srv.Status.Transitional():
		if d := t0.Sub(w.since); d > m.slowest {
			m.slowest = d
		}
		if m.fastest > 0 && !t0.Before(w.since.Add(m.fastest)) && !w.lagging {
			w.lagging, w.every = true, p.cfg.First
		}
	}
	return verdict, srv, err
}

// newest is the last waiter of c still parked, or nil.
func (c *cohort) newest() *Waiter {
	for j := len(c.ws) - 1; j >= 0; j-- {
		if !c.ws[j].done {
			return c.ws[j]
		}
	}
	return nil
}

// compact drops the waiters that are no longer parked once they are half
// of c.
func (c *cohort) compact() {
	if c.dead < 64 || c.dead*2 < len(c.ws) {
		return
	}
	kept := c.ws[:0]
	for _, w := range c.ws {
		if !w.done {
			kept = append(kept, w)
		}
	}
	clear(c.ws[len(kept):])
	c.ws, c.dead = kept, 0
}

// growth is how much older a waiter of a kind being learned is at each
// look than at the last: learnGrowth, and roundGrowth for each round past
// the first, at most maxGrowth.
func (cfg *Config) growth() float64 {
	return min(learnGrowth+roundGrowth*float64(max(cfg.Rounds, 1)-1), maxGrowth)
}

// nextInterval is the backoff interval after cur: ×1.5, capped at max.
func nextInterval(cur, max time.Duration) time.Duration {
	return min(cur*3/2, max)
}
