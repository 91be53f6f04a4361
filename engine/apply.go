package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"
)

// ApplyOptions tunes Apply. The zero value of every field means its default.
type ApplyOptions struct {
	// Parallelism bounds the HTTP requests in flight (every API call,
	// including the poller's lists); servers that are only waiting hold no
	// slot. Default 10.
	Parallelism int
	// Timeout bounds each wait: one action reaching its status (or a
	// deleted server disappearing). Default 10m.
	Timeout time.Duration
	// PollInterval is the first interval of the shared poller. Default 500ms.
	PollInterval time.Duration
	// MaxPollInterval caps the interval, which grows ×1.5 per tick.
	// Default 5s.
	MaxPollInterval time.Duration
	// Interrupt is closed on the first Ctrl-C: nothing new starts, waits
	// end, requests in flight finish, and Apply returns. The one exception
	// is a create_before_destroy replacement whose old server's deletion
	// was accepted: its wait and rename still run, so the new server is
	// not left under its temporary name. Cancelling the context given to
	// Apply is the second Ctrl-C: everything is abandoned at once.
	Interrupt <-chan struct{}
	// Progress receives an event for every step; nil is silent. Apply
	// calls Event from one goroutine at a time.
	Progress Progress
	// Now is the clock for elapsed times and timeouts. Default time.Now.
	Now func() time.Time
	// PerServerPolling replaces the shared poller by one GET per waiting
	// server per tick. It exists as the baseline of the benchmarks.
	PerServerPolling bool
	// TempName gives the temporary name of a create_before_destroy
	// replacement. Default: name + "-cbd-" + 4 random letters/digits.
	TempName func(name string) string
}

// The defaults of ApplyOptions.
const (
	DefaultParallelism     = 10
	DefaultTimeout         = 10 * time.Minute
	DefaultPollInterval    = 500 * time.Millisecond
	DefaultMaxPollInterval = 5 * time.Second
)

// withDefaults returns o with every zero field set to its default.
func (o ApplyOptions) withDefaults() ApplyOptions {
	if o.Parallelism <= 0 {
		o.Parallelism = DefaultParallelism
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.PollInterval <= 0 {
		o.PollInterval = DefaultPollInterval
	}
	if o.MaxPollInterval <= 0 {
		o.MaxPollInterval = DefaultMaxPollInterval
	}
	if o.MaxPollInterval < o.PollInterval {
		o.MaxPollInterval = o.PollInterval
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.TempName == nil {
		o.TempName = randomTempName
	}
	return o
}

// Outcome is how one server's chain of actions ended.
type Outcome string

// The outcomes of a server's chain.
const (
	// OutcomeDone: every action of the change succeeded.
	OutcomeDone Outcome = "done"
	// OutcomeFailed: an action failed; Err says which and why.
	OutcomeFailed Outcome = "failed"
	// OutcomeNotStarted: no request was sent for this server (credits ran
	// out, the token was refused, the run was interrupted, or the live
	// server is suspended); Err says why.
	OutcomeNotStarted Outcome = "not started"
	// OutcomeInterrupted: the run was interrupted after this server's chain
	// had begun; the next apply picks up where it stopped.
	OutcomeInterrupted Outcome = "interrupted"
)

// ServerResult is how one change of the plan ended.
type ServerResult struct {
	// Name is the change's name (the server's name once applied).
	Name    string
	Outcome Outcome
	// Err is nil when Outcome is OutcomeDone, else the reason.
	Err error
	// ID is the server's id at the end (the new one after a create or
	// replace); 0 when unknown.
	ID int64
	// Elapsed is the time the chain ran, by ApplyOptions.Now.
	Elapsed time.Duration
	// Actions are the change's actions, for the report.
	Actions []Action
	// Note says something people should know of a successful chain, e.g.
	// that a server was adopted after a lost answer.
	Note string
}

// ApplyResult is the outcome of Apply.
type ApplyResult struct {
	// Results holds one entry per change, sorted by name.
	Results []ServerResult
	// Created counts servers created, including those adopted after a
	// create whose answer was lost.
	Created int
	// Interrupted reports that ApplyOptions.Interrupt was closed or the
	// context was cancelled before every chain ended.
	Interrupted bool
	// CreditsExhausted reports that a 402 stopped further creates.
	CreditsExhausted bool
	// Unauthorized reports that a 401 stopped everything.
	Unauthorized bool

	inFlight []string
}

// OK reports whether every change is done.
func (r *ApplyResult) OK() bool {
	if r == nil {
		return false
	}
	for _, s := range r.Results {
		if s.Outcome != OutcomeDone {
			return false
		}
	}
	return true
}

// InFlight names, sorted, the servers whose request may still be in flight
// when Apply returned: only non-empty when the context was cancelled (the
// second Ctrl-C) while requests were outstanding.
func (r *ApplyResult) InFlight() []string {
	if r == nil {
		return nil
	}
	return append([]string(nil), r.inFlight...)
}

// Count returns how many results have outcome o.
func (r *ApplyResult) Count(o Outcome) int {
	n := 0
	for _, s := range r.Results {
		if s.Outcome == o {
			n++
		}
	}
	return n
}

// Apply runs every change of p against acct, each server's chain in
// parallel (see DESIGN §7): creates wait for the server to be active (and
// stop it when its power is "off"), replaces delete then create (or, with
// create_before_destroy, create under a temporary name, delete, rename),
// updates and renames PATCH, starts and stops wait for the status.
//
// It returns an error only for a misuse (a nil plan or account); every
// server's failure is in its ServerResult. It never creates a server twice
// for one change: a create whose answer was lost is resolved by looking the
// name up and adopting what is there.
func Apply(ctx context.Context, acct Account, p *Plan, opts ApplyOptions) (*ApplyResult, error) {
	if p == nil {
		return nil, errors.New("apply: no plan given; build one with the planner or load a saved plan")
	}
	if acct == nil {
		return nil, errors.New("apply: no account given; pass an API client")
	}
	if err := p.Check(); err != nil {
		return nil, fmt.Errorf("apply: the plan cannot be run: %w; make the plan again", err)
	}
	r := newRun(ctx, acct, opts.withDefaults())
	defer r.close()
	res := r.execute(p.Changes)
	sort.SliceStable(res.Results, func(i, j int) bool { return res.Results[i].Name < res.Results[j].Name })
	return res, nil
}
