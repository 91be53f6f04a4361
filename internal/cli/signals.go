package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// signalContext returns a context cancelled by the first Ctrl-C (SIGINT)
// or SIGTERM, for commands that have nothing to finish cleanly.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// interrupts delivers Ctrl-C (and SIGTERM) the way apply needs them: the
// first closes Soft (start nothing new, finish what is in flight); every
// later one calls onSecond (abandon what is in flight).
type interrupts struct {
	Soft <-chan struct{}
	stop func()
}

// watchInterrupts starts watching; onFirst and onSecond run on the
// signal-handling goroutine. Stop ends the watch.
func watchInterrupts(onFirst, onSecond func()) *interrupts {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	soft := make(chan struct{})
	done := make(chan struct{})
	go func() {
		count := 0
		for {
			select {
			case <-done:
				return
			case <-ch:
				count++
				if count == 1 {
					// Say so first: once soft is closed the run may end,
					// and the process with it.
					onFirst()
					close(soft)
				} else {
					onSecond()
				}
			}
		}
	}()
	return &interrupts{Soft: soft, stop: func() { signal.Stop(ch); close(done) }}
}

// Stop stops watching for signals.
func (i *interrupts) Stop() { i.stop() }
