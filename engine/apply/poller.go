package apply

import (
	"context"
	"sync"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
)

// pollSnapshot is what one tick of the poller saw: every server of the
// account by id, or the error that kept it from seeing them.
type pollSnapshot struct {
	servers map[int64]api.Server
	err     error
	// complete is set when a server missing from servers is known to be
	// gone (a GET of it said 404); a list can miss a server when others
	// are deleted between its pages, so list snapshots are not complete.
	complete bool
}

// pollSubscription is one waiting server's mailbox. It holds at most the
// latest snapshot: a slow reader skips stale ones.
type pollSubscription struct {
	updates chan pollSnapshot
}

// poller lists the account once per tick while anybody waits, and hands
// every waiter the same snapshot, so waiting for a thousand servers costs
// what waiting for one does. The interval starts at first, grows ×1.5 per
// tick up to max, and comes back to first when a new waiter arrives. It
// lists only while it has subscribers and stops for good once its context
// ends.
type poller struct {
	list  func(ctx context.Context) ([]api.Server, error)
	first time.Duration
	max   time.Duration
	ctx   context.Context

	mu      sync.Mutex
	subs    map[*pollSubscription]struct{}
	running bool
	kick    chan struct{}
	lists   int
	// loops counts running loop goroutines, for wait.
	loops sync.WaitGroup
}

// newPoller returns a poller that calls list (which must respect its own
// request bound) on ctx every tick, and stops for good when ctx ends.
func newPoller(ctx context.Context, list func(ctx context.Context) ([]api.Server, error), first, max time.Duration) *poller {
	return &poller{
		list:  list,
		first: first,
		max:   max,
		ctx:   ctx,
		subs:  make(map[*pollSubscription]struct{}),
		kick:  make(chan struct{}, 1),
	}
}

// subscribe registers a waiter. Only lists that begin after subscribe
// returns are delivered to it, so a snapshot never predates the action the
// waiter waits on.
func (p *poller) subscribe() *pollSubscription {
	s := &pollSubscription{updates: make(chan pollSnapshot, 1)}
	p.mu.Lock()
	p.subs[s] = struct{}{}
	start := !p.running
	p.running = true
	p.mu.Unlock()
	if start {
		p.loops.Go(p.loop)
	} else {
		select {
		case p.kick <- struct{}{}:
		default:
		}
	}
	return s
}

// unsubscribe removes a waiter; the poller stops listing when none is left.
func (p *poller) unsubscribe(s *pollSubscription) {
	p.mu.Lock()
	delete(p.subs, s)
	p.mu.Unlock()
}

// wait blocks until no loop goroutine is left. Call it only once nobody
// subscribes any more and the context has ended (or every waiter has
// left).
func (p *poller) wait() { p.loops.Wait() }

// listCount returns how many ticks listed the account so far.
func (p *poller) listCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lists
}

// loop ticks until no subscriber is left or the context ends.
func (p *poller) loop() {
	interval := p.first
	timer := time.NewTimer(interval)
	defer timer.Stop()
	due := time.Now().Add(interval)
	for {
		select {
		case <-p.ctx.Done():
			p.mu.Lock()
			p.running = false
			p.mu.Unlock()
			return
		case <-p.kick:
			// A new waiter: its first answer should not wait a long interval.
			interval = p.first
			if time.Until(due) > interval {
				timer.Reset(interval)
				due = time.Now().Add(interval)
			}
			continue
		case <-timer.C:
		}

		p.mu.Lock()
		batch := make([]*pollSubscription, 0, len(p.subs))
		for s := range p.subs {
			batch = append(batch, s)
		}
		if len(batch) == 0 {
			p.running = false
			p.mu.Unlock()
			return
		}
		p.lists++
		p.mu.Unlock()

		snap := pollSnapshot{}
		servers, err := p.list(p.ctx)
		if err != nil {
			snap.err = err
		} else {
			snap.servers = make(map[int64]api.Server, len(servers))
			for _, s := range servers {
				snap.servers[s.ID] = s
			}
		}
		for _, s := range batch {
			s.deliver(snap)
		}

		interval = nextInterval(interval, p.max)
		timer.Reset(interval)
		due = time.Now().Add(interval)
	}
}

// deliver replaces any unread snapshot by snap. Only the poller sends, so
// the second select always succeeds after the drain.
func (s *pollSubscription) deliver(snap pollSnapshot) {
	select {
	case <-s.updates:
	default:
	}
	select {
	case s.updates <- snap:
	default:
	}
}

// nextInterval is the poll interval after cur: ×1.5, capped at max.
func nextInterval(cur, max time.Duration) time.Duration {
	return min(cur*3/2, max)
}
