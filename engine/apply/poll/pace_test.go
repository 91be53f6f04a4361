package poll

import (
	"context"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
)

// TestPaceSchedule: when the poller plans to look at waiters of a kind
// whose duration it knows, and at one it is learning.
func TestPaceSchedule(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cfg := Config{First: 500 * time.Millisecond, Max: 5 * time.Second, Timeout: 10 * time.Minute}
	newWaiters := func(p *Poller, kind engine.Action, sinces ...time.Duration) []*Waiter {
		c, _ := p.cohortLocked(kind)
		var ws []*Waiter
		for _, s := range sinces {
			w := &Waiter{since: base.Add(s), from: Origin{Kind: kind, Sent: base.Add(s)}}
			c.ws = append(c.ws, w)
			p.parked++
			ws = append(ws, w)
		}
		return ws
	}
	sec := time.Second

	t.Run("learning: the oldest, at the first interval, then 10% older each time", func(t *testing.T) {
		p := New(context.Background(), nil, cfg)
		p.listed = 10000
		ws := newWaiters(p, engine.ActionCreate, 0, 10*time.Millisecond)
		next := p.decideLocked(base)
		if next.learn == nil || len(next.looks) != 1 || next.looks[0] != ws[0] || !next.at.Equal(base.Add(cfg.First)) {
			t.Fatalf("first look %+v, want the oldest at %s", next, cfg.First)
		}
		p.byKind[engine.ActionCreate].model.slowest = 2 * sec
		p.byKind[engine.ActionCreate].probes = 1
		next = p.decideLocked(base.Add(2 * sec))
		if next.looks[0] != ws[1] || !next.at.Equal(base.Add(10*time.Millisecond+2200*time.Millisecond)) {
			t.Errorf("next look %+v, want the second oldest at age 2.2s", next)
		}
	})

	t.Run("known: the newest as soon as due, older ones wait for it", func(t *testing.T) {
		p := New(context.Background(), nil, cfg)
		p.listed = 10000
		ws := newWaiters(p, engine.ActionCreate, 0, sec, 3*sec)
		c := p.byKind[engine.ActionCreate]
		c.model = transitionModel{fastest: 4 * sec, slowest: 3990 * time.Millisecond}
		next := p.decideLocked(base.Add(4 * sec))
		// The oldest is due at 4s, and may wait until 6s; the newest is
		// due at 7s: the list comes at 6s and serves the first two.
		if !next.at.Equal(base.Add(6*sec)) || next.list || len(next.looks) != 2 || next.looks[0] != ws[0] || next.looks[1] != ws[1] {
			t.Errorf("tick %+v, want the first two at 6s", next)
		}
		ws[0].done, ws[1].done, c.dead, p.parked = true, true, 2, 1
		next = p.decideLocked(base.Add(6 * sec))
		if !next.at.Equal(base.Add(7*sec)) || len(next.looks) != 1 || next.looks[0] != ws[2] {
			t.Errorf("tick %+v, want the newest at 7s", next)
		}
	})

	t.Run("refining: a waiter whose age is halfway between the bounds", func(t *testing.T) {
		p := New(context.Background(), nil, cfg)
		p.listed = 10000
		var sinces []time.Duration
		for i := range 100 {
			sinces = append(sinces, time.Duration(i)*10*time.Millisecond)
		}
		ws := newWaiters(p, engine.ActionCreate, sinces...)
		c := p.byKind[engine.ActionCreate]
		c.model = transitionModel{fastest: 4400 * time.Millisecond, slowest: 4 * sec}
		now := base.Add(4400 * time.Millisecond)
		next := p.decideLocked(now)
		// Mid is 4.2s: the waiter parked at 0.2s is that old now.
		if next.learn == nil || len(next.looks) != 1 || next.looks[0] != ws[20] || !next.at.Equal(now) {
			t.Errorf("tick %+v, want the waiter parked at 200ms, now", next)
		}
	})

	t.Run("few waiters due: a GET each; many: one list", func(t *testing.T) {
		p := New(context.Background(), nil, cfg)
		p.listed = 500 // 10 pages
		newWaiters(p, "", 0, 0, 0)
		if next := p.decideLocked(base); next.list || len(next.looks) != 3 {
			t.Errorf("tick %+v, want 3 GETs", next)
		}
		p = New(context.Background(), nil, cfg)
		p.listed = 500
		var sinces []time.Duration
		for range 11 {
			sinces = append(sinces, 0)
		}
		newWaiters(p, "", sinces...)
		if next := p.decideLocked(base); !next.list || !next.final {
			t.Errorf("tick %+v, want a final list", next)
		}
	})
}

func TestNextInterval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cur, max, want time.Duration
	}{
		{500 * time.Millisecond, 5 * time.Second, 750 * time.Millisecond},
		{750 * time.Millisecond, 5 * time.Second, 1125 * time.Millisecond},
		{4 * time.Second, 5 * time.Second, 5 * time.Second},
		{5 * time.Second, 5 * time.Second, 5 * time.Second},
		{time.Millisecond, time.Millisecond, time.Millisecond},
	}
	for _, tt := range tests {
		if got := nextInterval(tt.cur, tt.max); got != tt.want {
			t.Errorf("nextInterval(%s, %s) = %s, want %s", tt.cur, tt.max, got, tt.want)
		}
	}
}
