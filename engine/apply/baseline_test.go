package apply

import (
	"time"

	"github.com/vpsfleet/vpsfleet/api"
)

// perServerPolling returns opts with the shared poller replaced by one GET
// per waiting server per tick: the baseline the shared poller is measured
// against in the benchmarks, and a second way of waiting in the tests.
func perServerPolling(opts Options) Options {
	opts.source = func(ch *chain, id int64) snapshotSource {
		t := time.NewTimer(time.Hour)
		t.Stop()
		interval := opts.PollInterval
		if interval <= 0 {
			interval = DefaultPollInterval
		}
		return &ownSource{ch: ch, id: id, interval: interval, timer: t}
	}
	return opts
}

// ownSource GETs one server per tick: the per-server polling baseline.
type ownSource struct {
	ch       *chain
	id       int64
	interval time.Duration
	timer    *time.Timer
}

func (o *ownSource) next() (pollSnapshot, error) {
	r := o.ch.r
	o.timer.Reset(o.interval)
	select {
	case <-o.ch.haltCh():
		return pollSnapshot{}, r.stopErr()
	case <-o.timer.C:
	}
	o.interval = nextInterval(o.interval, r.opts.MaxPollInterval)
	srv, err := o.ch.get(o.id)
	switch {
	case err == nil:
		return pollSnapshot{servers: map[int64]api.Server{o.id: *srv}, complete: true}, nil
	case api.IsNotFound(err):
		return pollSnapshot{servers: map[int64]api.Server{}, complete: true}, nil
	case o.ch.halted():
		return pollSnapshot{}, r.stopErr()
	default:
		return pollSnapshot{err: err}, nil
	}
}

func (o *ownSource) close() { o.timer.Stop() }
