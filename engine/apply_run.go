package engine

import (
	"context"
	"errors"
	"sort"
	"sync"

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
	finished chan struct{}

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
		finished: make(chan struct{}),
		sem:      make(chan struct{}, opts.Parallelism),
		inFlight: make(map[string]int),
	}
	r.reqCtx, r.cancelReq = context.WithCancel(ctx)
	r.poller = newPoller(r.reqCtx, r.listAll, opts.PollInterval, opts.MaxPollInterval, r.stop)
	go r.watch()
	return r
}

// watch turns the Interrupt and ctx's end into a stop.
func (r *run) watch() {
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
	case <-r.finished:
	}
}

// close releases the run's goroutines.
func (r *run) close() {
	close(r.finished)
	r.halt()
	r.cancelReq()
}

func (r *run) halt() { r.stopOnce.Do(func() { close(r.stop) }) }

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

// call runs one API request for server under the request bound, on the
// request context. It refuses to start once the run is stopped, and stops
// everything at once on a 401.
func (r *run) call(server string, fn func(ctx context.Context) error) error {
	if r.stopped() {
		return r.stopErr()
	}
	select {
	case r.sem <- struct{}{}:
	case <-r.stop:
		return r.stopErr()
	}
	if r.stopped() {
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
	<-r.sem

	if api.IsUnauthorized(err) {
		r.mu.Lock()
		r.unauthorized = true
		r.mu.Unlock()
		r.halt()
		r.cancelReq()
	}
	if err != nil && r.ctx.Err() != nil {
		return errors.Join(errAbandoned, err)
	}
	return err
}

// listAll is the poller's list: every page, one request slot.
func (r *run) listAll(ctx context.Context) ([]api.Server, error) {
	var servers []api.Server
	err := r.call("", func(ctx context.Context) error {
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
