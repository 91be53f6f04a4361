package cli

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
)

// signalContext returns a context cancelled by the first Ctrl-C (SIGINT)
// or SIGTERM, for commands that have nothing to finish cleanly.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// promptInterrupts returns the channel on which Ctrl-C (and SIGTERM)
// arrive while a prompt waits, and the function that stops delivering
// them (after which a Ctrl-C ends the process again).
func (c *cli) promptInterrupts() (<-chan os.Signal, func()) {
	if c.promptSignals != nil {
		return c.promptSignals()
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	return ch, func() { signal.Stop(ch) }
}

// The causes of the interrupt contexts.
var (
	errFirstInterrupt  = errors.New("interrupted (Ctrl-C): starting nothing new")
	errSecondInterrupt = errors.New("interrupted twice (Ctrl-C): abandoning what is in flight")
)

// interrupts delivers Ctrl-C (and SIGTERM) the way apply needs them, as
// two contexts: Soft ends on the first (cause errFirstInterrupt: start
// nothing new, finish what is in flight), Hard on the second (cause
// errSecondInterrupt: abandon what is in flight). Hard's end also ends
// Soft.
type interrupts struct {
	Soft, Hard context.Context
	stop       func()
}

// watchInterrupts starts watching; onFirst runs on the signal-handling
// goroutine before Soft ends, so that what it prints comes before the run
// can end. Stop ends the watch.
func watchInterrupts(onFirst func()) *interrupts {
	hard, cancelHard := context.WithCancelCause(context.Background())
	soft, cancelSoft := context.WithCancelCause(hard)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-ch:
				if soft.Err() == nil {
					onFirst()
					cancelSoft(errFirstInterrupt)
				} else {
					cancelHard(errSecondInterrupt)
				}
			}
		}
	}()
	return &interrupts{Soft: soft, Hard: hard, stop: func() {
		signal.Stop(ch)
		close(done)
		cancelSoft(nil)
		cancelHard(nil)
	}}
}

// Stop stops watching for signals and releases the contexts.
func (i *interrupts) Stop() { i.stop() }
