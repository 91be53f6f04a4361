package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/vpsfleet/vpsfleet/api"
)

// The reasons a chain stops early without an error of its own.
var (
	errInterrupted  = errors.New("interrupted: apply was stopped before this server's changes finished; run apply again to continue")
	errAbandoned    = errors.New("abandoned: apply was cancelled while this server's changes were running; run plan to see where it stands")
	errUnauthorized = errors.New("stopped: the API refused the token (401); check VPSORG_TOKEN and run apply again")
	errCredits      = errors.New("insufficient credits: the account cannot pay for another server (402); add credits and run apply again")
)

// run is the state of one Apply: the request bound, the stop signals, the
// shared poller and the counters the result reports.
type run struct {
	acct     Account
	opts     ApplyOptions
	progress *progressSink

	// ctx is Apply's context: cancelling it abandons everything.
	ctx context.Context
	// reqCtx carries requests: only ctx and a 401 cancel it, never the
	// Interrupt, so requests in flight finish.
	reqCtx    context.Context
	cancelReq context.CancelFunc
	// stop is closed on the Interrupt, a 401 or ctx's end: no new step
	// starts and waits end.
	stop     chan struct{}
	stopOnce sync.Once
	// abort is closed when ctx ends, on a 401, and when Apply returns:
	// even a chain finishing a half-done replacement stops then.
	abort     chan struct{}
	abortOnce sync.Once
	// finishers counts chains completing a create_before_destroy
	// replacement whose old server is already deleted: the Interrupt
	// does not stop them (see chain.finish).
	finishers atomic.Int32
	finished  chan struct{}
	// watched is closed when the watch goroutine has returned.
	watched chan struct{}

	sem    chan struct{}
	poller *poller

	mu               sync.Mutex
	interrupted      bool
	unauthorized     bool
	creditsExhausted bool
	created          int
	inFlight         map[string]int
}

func newRun(ctx context.Context, acct Account, opts ApplyOptions) *run {
	r := &run{
		acct:     acct,
		opts:     opts,
		progress: newProgressSink(opts.Progress),
		ctx:      ctx,
		stop:     make(chan struct{}),
		abort:    make(chan struct{}),
		finished: make(chan struct{}),
		watched:  make(chan struct{}),
		sem:      make(chan struct{}, opts.Parallelism),
		inFlight: make(map[string]int),
	}
	r.reqCtx, r.cancelReq = context.WithCancel(ctx)
	// The poller lists only while somebody waits; after the Interrupt only
	// finishing chains still wait, so it stops for good only on abort.
	r.poller = newPoller(r.reqCtx, r.listAll, opts.PollInterval, opts.MaxPollInterval, r.abort)
	go r.watch()
	return r
}

// watch turns the Interrupt and ctx's end into a stop.
func (r *run) watch() {
	defer close(r.watched)
	select {
	case <-r.opts.Interrupt:
		r.mu.Lock()
		r.interrupted = true
		r.mu.Unlock()
		r.halt()
	case <-r.ctx.Done():
		r.mu.Lock()
		r.interrupted = true
		r.mu.Unlock()
		r.halt()
		r.abortAll()
	case <-r.finished:
	}
}

// close releases the run's goroutines and, unless ctx has ended (the
// second Ctrl-C must not wait for anything), waits for the watcher and the
// poller to return, so none of them outlives Apply.
func (r *run) close() {
	close(r.finished)
	r.halt()
	r.abortAll()
	r.cancelReq()
	if r.ctx.Err() != nil {
		return
	}
	<-r.watched
	r.poller.wait()
}

func (r *run) halt() { r.stopOnce.Do(func() { close(r.stop) }) }

// abortAll stops every chain, finishing ones included.
func (r *run) abortAll() { r.abortOnce.Do(func() { close(r.abort) }) }

// aborted reports whether even finishing chains must stop: ctx ended, a
// 401, or Apply returned.
func (r *run) aborted() bool {
	select {
	case <-r.abort:
		return true
	case <-r.ctx.Done():
		r.abortAll()
		return true
	default:
		return false
	}
}

// stopped reports whether no new step may start. It looks at the
// Interrupt and ctx itself, so a stop is seen at once, not only once the
// watcher has run.
func (r *run) stopped() bool {
	select {
	case <-r.stop:
		return true
	default:
	}
	select {
	case <-r.opts.Interrupt:
	case <-r.ctx.Done():
	default:
		return false
	}
	r.mu.Lock()
	r.interrupted = true
	r.mu.Unlock()
	r.halt()
	return true
}

// stopErr is why the run stopped.
func (r *run) stopErr() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.unauthorized:
		return errUnauthorized
	case r.ctx.Err() != nil:
		return errAbandoned
	default:
		return errInterrupted
	}
}

// callMode runs one API request for server under the request bound, on
// the request context. It refuses to start once the run is stopped (for a
// finishing request: only once it is aborted, not on the Interrupt), and
// stops everything at once on a 401.
func (r *run) callMode(server string, finishing bool, fn func(ctx context.Context) error) error {
	halted, halt := r.stopped, (<-chan struct{})(r.stop)
	if finishing {
		halted, halt = r.aborted, r.abort
	}
	if halted() {
		return r.stopErr()
	}
	select {
	case r.sem <- struct{}{}:
	case <-halt:
		return r.stopErr()
	}
	if halted() {
		<-r.sem
		return r.stopErr()
	}
	r.mu.Lock()
	r.inFlight[server]++
	r.mu.Unlock()

	err := fn(r.reqCtx)

	r.mu.Lock()
	if r.inFlight[server]--; r.inFlight[server] <= 0 {
		delete(r.inFlight, server)
	}
	r.mu.Unlock()
	if api.IsUnauthorized(err) {
		// Stop everything before giving the slot back, so that no request
		// waiting for it is sent with a token the API refuses.
		r.mu.Lock()
		r.unauthorized = true
		r.mu.Unlock()
		r.halt()
		r.abortAll()
		r.cancelReq()
		<-r.sem
		return err
	}
	<-r.sem

	if err != nil && r.ctx.Err() != nil {
		return fmt.Errorf("%w (the request ended with: %w)", errAbandoned, err)
	}
	if err != nil && r.reqCtx.Err() != nil && r.isUnauthorized() {
		// Cancelled because another request was refused the token.
		return fmt.Errorf("%w (the request ended with: %w)", errUnauthorized, err)
	}
	return err
}

// isUnauthorized reports whether a 401 stopped the run.
func (r *run) isUnauthorized() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.unauthorized
}

// listAll is the poller's list: every page, one request slot. While a
// chain is finishing a replacement the Interrupt does not refuse it.
func (r *run) listAll(ctx context.Context) ([]api.Server, error) {
	var servers []api.Server
	err := r.callMode("", r.finishers.Load() > 0, func(ctx context.Context) error {
		var err error
		servers, err = r.acct.ListServers(ctx, api.ListOptions{})
		return err
	})
	return servers, err
}

func (r *run) noteCreated() {
	r.mu.Lock()
	r.created++
	r.mu.Unlock()
}

func (r *run) markCreditsExhausted() {
	r.mu.Lock()
	r.creditsExhausted = true
	r.mu.Unlock()
}

func (r *run) creditsGone() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.creditsExhausted
}

// execute runs every change's chain in parallel and gathers the results.
// When ctx ends it returns at once, without waiting for the chains.
func (r *run) execute(changes []Change) *ApplyResult {
	chains := make([]*chain, len(changes))
	results := make([]*ServerResult, len(changes))
	var wg sync.WaitGroup
	for i := range changes {
		chains[i] = newChain(r, changes[i])
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := chains[i].run()
			r.mu.Lock()
			results[i] = &res
			r.mu.Unlock()
		}()
	}
	all := make(chan struct{})
	go func() {
		wg.Wait()
		close(all)
	}()
	select {
	case <-all:
	case <-r.ctx.Done():
		// Give chains that have already returned a chance to be counted,
		// but never wait for a request.
		select {
		case <-all:
		default:
		}
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	out := &ApplyResult{
		Results:          make([]ServerResult, len(changes)),
		Created:          r.created,
		Interrupted:      r.interrupted || r.ctx.Err() != nil,
		CreditsExhausted: r.creditsExhausted,
		Unauthorized:     r.unauthorized,
	}
	for i, c := range changes {
		if results[i] != nil {
			out.Results[i] = *results[i]
			continue
		}
		out.Results[i] = chains[i].abandoned(c)
	}
	if out.Interrupted && out.OK() {
		// The stop came after every chain had ended: nothing was cut short.
		out.Interrupted = false
	}
	for name := range r.inFlight {
		if name != "" {
			out.inFlight = append(out.inFlight, name)
		}
	}
	sort.Strings(out.inFlight)
	return out
}
