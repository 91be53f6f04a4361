package apply

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply/poll"
	"github.com/vpsfleet/vpsfleet/engine/apply/rollout"
)

// The reasons a chain stops early without an error of its own. Results
// and events carry them as their Err, with a typed Outcome beside; views
// read the Outcome, and errors.Is tells these apart where a caller needs
// to.
var (
	// ErrInterrupted: the run was interrupted (the first Ctrl-C) before
	// the server's changes finished.
	ErrInterrupted = errors.New("interrupted: apply was stopped before this server's changes finished; run apply again to continue")
	// ErrAbandoned: the run's context was cancelled (the second Ctrl-C)
	// while the server's changes were running.
	ErrAbandoned = errors.New("abandoned: apply was cancelled while this server's changes were running; run plan to see where it stands")
	// ErrUnauthorized: the API refused the token, which stops everything.
	ErrUnauthorized = errors.New("stopped: the API refused the token (401); check VPSORG_TOKEN and run apply again")
	// ErrCredits: the account cannot pay for another server (402), which
	// stops every further create.
	ErrCredits = errors.New("insufficient credits: the account cannot pay for another server (402); add credits and run apply again")
)

// The reasons the rollout schedule refuses to start a change (the errors
// of package rollout, which decides). Results and events carry them
// wrapped, with the outcome "not started": nothing was sent for the
// server.
var (
	// ErrRolloutStopped: the change's group stopped its rollout before
	// the change's batch (more failures than max_failures, or no room
	// left under max_unavailable).
	ErrRolloutStopped = rollout.ErrStopped
	// ErrDependency: a group the change waits for did not come up (for a
	// create or start), or was not deleted (for a delete).
	ErrDependency = rollout.ErrDependency
)

// errHeldBack ends a change the start order never let start while
// nothing else ran.
var errHeldBack = fmt.Errorf("%w: its turn never came, as nothing it waited for was left running", ErrInterrupted)

// errFinished is the cause of the run's end once Run has returned.
var errFinished = errors.New("apply has returned")

// run is the state of one Run: the request bound, why and whether it has
// stopped, the work queue, the shared poller and the counters the result
// reports.
//
// Stopping is two contexts. abort ends when even a chain finishing a
// half-done replacement must stop: Run's context ended (the second
// Ctrl-C), the API refused the token (cause ErrUnauthorized), or Run
// returned. Requests carry abort, so the first Ctrl-C lets them finish.
// stop, a child of abort, ends besides on the Interrupt (cause
// ErrInterrupted): no new step starts and waits end.
type run struct {
	acct     engine.Account
	opts     Options
	progress *progressSink

	// ctx is Run's context: cancelling it abandons everything.
	ctx      context.Context
	abort    context.Context
	abortAll context.CancelCauseFunc
	stop     context.Context
	halt     context.CancelCauseFunc
	// watched is closed when the goroutine that turns the Interrupt into
	// a stop, and stops into ended waits, has returned.
	watched chan struct{}

	// finishers counts chains completing a create_before_destroy
	// replacement whose old server is already deleted: the Interrupt
	// does not stop them (see chain.finish).
	finishers atomic.Int32

	sem    chan struct{}
	poller *poll.Poller
	queue  *workQueue
	// order decides when each change starts; nil: in plan order, all at
	// once (see startOrder).
	order startOrder
	// known holds the ids of Options.KnownIDs.
	known map[int64]bool
	// groups are the plan's groups, by label; visible is how many of the
	// run's changes are the plan's (the others are watches, whose
	// chains report nothing; -1: all are); baseEnv is the environment of health
	// checks before the server's facts.
	groups  map[string]*engine.Group
	visible int
	baseEnv []string
	// checker runs the health checks (Options.runCheck), ended by the
	// run's stop error.
	checker rollout.Checker
	// background counts the goroutines of background moves.
	background sync.WaitGroup

	// chainCalls counts the requests chains have sent, chainInFlight
	// those not answered yet: a list that began with none in flight
	// reflects every change sent before it (see poll.Poller.LastQuiet).
	chainCalls    atomic.Int64
	chainInFlight atomic.Int64

	creditsExhausted atomic.Bool
	created          atomic.Int64

	mu       sync.Mutex
	inFlight map[string]int
	// chains are the started chains not ended, by change; results the
	// ended ones'.
	chains  []*chain
	results []*ServerResult
}

func newRun(ctx context.Context, acct engine.Account, opts Options) *run {
	r := &run{
		acct:     acct,
		opts:     opts,
		progress: newProgressSink(opts.Progress),
		ctx:      ctx,
		watched:  make(chan struct{}),
		sem:      make(chan struct{}, opts.Parallelism),
		inFlight: make(map[string]int),
		known:    make(map[int64]bool, len(opts.KnownIDs)),
		visible:  -1,
	}
	for _, id := range opts.KnownIDs {
		r.known[id] = true
	}
	r.checker = rollout.Checker{Attempt: opts.runCheck, Stopped: r.stopErr}
	r.abort, r.abortAll = context.WithCancelCause(ctx)
	r.stop, r.halt = context.WithCancelCause(r.abort)
	// The poller lists only while somebody waits; after the Interrupt only
	// finishing chains still wait, so it stops for good only on abort.
	r.poller = poll.New(r.abort, pollRun{r}, poll.Config{
		First: opts.PollInterval, Max: opts.MaxPollInterval, Timeout: opts.Timeout, PerServer: opts.perServer, Rounds: opts.rounds, Now: opts.Now,
	})
	go r.watch()
	return r
}

// watch turns the Interrupt into a stop, and each stop into ended waits:
// on the stop, every wait but a finishing chain's; on abort, every one.
func (r *run) watch() {
	defer close(r.watched)
	select {
	case <-r.opts.Interrupt:
		r.halt(ErrInterrupted)
	case <-r.stop.Done():
	}
	r.poller.Halt(false)
	r.mu.Lock()
	q := r.queue
	r.mu.Unlock()
	if q != nil {
		q.kick() // the order starts nothing more: let it say so
	}
	<-r.abort.Done()
	r.poller.Halt(true)
}

// close ends the run's contexts, silences its progress and shuts its work
// queue, and, unless ctx has ended (the second Ctrl-C must not wait for
// anything), waits for the watcher, the poller and the workers to return,
// so none of them outlives Run.
func (r *run) close() {
	r.abortAll(errFinished)
	r.progress.close()
	if r.queue != nil {
		r.queue.shut()
	}
	if r.ctx.Err() != nil {
		return
	}
	<-r.watched
	r.poller.Wait()
	if r.queue != nil {
		r.queue.wait()
	}
	r.background.Wait()
}

// interruptClosed reports whether the Interrupt has been given.
func (r *run) interruptClosed() bool {
	select {
	case <-r.opts.Interrupt:
		return true
	default:
		return false
	}
}

// aborted reports whether even finishing chains must stop.
func (r *run) aborted() bool { return r.abort.Err() != nil }

// stopped reports whether no new step may start. It looks at the
// Interrupt itself, so a stop is seen at once, not only once the watcher
// has run.
func (r *run) stopped() bool {
	if r.stop.Err() != nil {
		return true
	}
	if r.interruptClosed() {
		r.halt(ErrInterrupted)
		return true
	}
	return false
}

// stopError is why the run stopped once it has (see stopped), else nil.
func (r *run) stopError() error {
	if r.stopped() {
		return r.stopErr()
	}
	return nil
}

// unauthorized reports whether a 401 stopped the run.
func (r *run) unauthorized() bool {
	return errors.Is(context.Cause(r.abort), ErrUnauthorized)
}

// stopErr is why the run stopped.
func (r *run) stopErr() error {
	switch {
	case r.unauthorized():
		return ErrUnauthorized
	case r.ctx.Err() != nil:
		return ErrAbandoned
	default:
		return ErrInterrupted
	}
}

// callMode runs one API request for server under the request bound, on
// the abort context. It refuses to start once the run is stopped (for a
// finishing request: only once it is aborted, not on the Interrupt), and
// stops everything at once on a 401.
func (r *run) callMode(server string, finishing bool, fn func(ctx context.Context) error) error {
	halted, halt := r.stopped, r.stop.Done()
	if finishing {
		halted, halt = r.aborted, r.abort.Done()
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
	if server != "" {
		// In flight first, then counted: see pollRun.Quiet.
		r.chainInFlight.Add(1)
		r.chainCalls.Add(1)
	}

	err := fn(r.abort)

	if server != "" {
		r.chainInFlight.Add(-1)
	}
	r.mu.Lock()
	if r.inFlight[server]--; r.inFlight[server] <= 0 {
		delete(r.inFlight, server)
	}
	r.mu.Unlock()
	if api.IsUnauthorized(err) {
		// Stop everything before giving the slot back, so that no request
		// waiting for it is sent with a token the API refuses.
		r.abortAll(ErrUnauthorized)
		<-r.sem
		return err
	}
	<-r.sem

	if err != nil && r.ctx.Err() != nil {
		return fmt.Errorf("%w (the request ended with: %w)", ErrAbandoned, err)
	}
	if err != nil && r.aborted() && r.unauthorized() {
		// Cancelled because another request was refused the token.
		return fmt.Errorf("%w (the request ended with: %w)", ErrUnauthorized, err)
	}
	return err
}

// list lists the account with opts in one request slot (see callMode),
// trying a failed list twice more unless the run must stop. What is
// concluded from a server's absence (that a lost create made nothing,
// that no name is doubled) needs a Stable listing: a server missed
// because of a page shift would be created twice.
func (r *run) list(opts api.ListOptions, finishing bool) ([]api.Server, error) {
	var servers []api.Server
	var err error
	for range 3 {
		err = r.callMode("", finishing, func(ctx context.Context) error {
			var lerr error
			servers, lerr = r.acct.ListServers(ctx, opts)
			return lerr
		})
		if err == nil || r.aborted() || (!finishing && r.stopped()) {
			break
		}
	}
	return servers, err
}
