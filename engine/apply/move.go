package apply

import (
	"context"

	"github.com/vpsfleet/vpsfleet/engine/apply/poll"
)

// move is what a chain does next, handed back to the worker that runs it.
// A chain's code runs on a worker from one move to the next: it may send
// requests (each under the request bound) but never waits for the
// account to change. To wait, it returns a move that parks it with the
// poller (wait) or for a while (pause), and the worker goes on with other
// work; the poller hands the rest of the chain, the move's continuation,
// back to the work queue when the wait is over. Work that takes long on
// this machine (a health check's command) is a background move: it runs
// on a goroutine of its own, off the workers, given the run's stop
// context, and hands the continuation it returns to the work queue. A
// move with none of them ends the chain with err.
//
// A parked chain costs its waiter and the closures of its continuation,
// not a goroutine.
type move struct {
	wait       *poll.Waiter
	pause      *poll.Pause
	background func(ctx context.Context) (continuation func() move)
	err        error
}

// ended is the move that ends a chain with err (nil: every step done).
func ended(err error) move { return move{err: err} }

// then continues a chain once a step has ended with err.
type then func(err error) move
