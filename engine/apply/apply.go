// Package apply is the executor: it runs every change of an engine.Plan
// against the account, each server's chain of steps in parallel, bounded
// in requests, not servers. A bounded set of workers takes the changes
// from a work queue (a start order decides when each may start: a plan
// with groups is ordered by a rollout.Schedule); a chain that waits for
// its server parks with the one shared poller (package poll: apply,
// "server -wait" and rollouts all wait through it) and costs a waiter,
// not a goroutine. The poller learns how long each kind of transition
// takes and looks at the account when the waiters are expected to be
// done: one list for all of them, or a GET of each when they are few. It
// reports progress as Events and the end as a Result, plain data with
// typed outcomes that the views in engine/render read.
package apply

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply/rollout"
)

// Options tunes Run. The zero value of every field means its default.
type Options struct {
	// Parallelism bounds the HTTP requests in flight (every API call,
	// including the poller's lists), and the workers that run the
	// changes' steps; servers that are only waiting hold neither.
	// Default 10.
	Parallelism int
	// Timeout bounds each wait: one action reaching its status (or a
	// deleted server disappearing). Default 10m.
	Timeout time.Duration
	// PollInterval is when the shared poller first looks at a waiting
	// server, and the first interval between its looks at one whose
	// transition it cannot predict. Default 500ms.
	PollInterval time.Duration
	// MaxPollInterval caps that interval, which grows ×1.5 per look, and
	// how long a server predicted done may wait to be looked at together
	// with others. Default 5s.
	MaxPollInterval time.Duration
	// Interrupt is closed on the first Ctrl-C: nothing new starts, waits
	// end, requests in flight finish, and Apply returns. The one exception
	// is a create_before_destroy replacement whose old server's deletion
	// was accepted: its wait and rename still run, so the new server is
	// not left under its temporary name. Cancelling the context given to
	// Run is the second Ctrl-C: everything is abandoned at once.
	Interrupt <-chan struct{}
	// Progress receives an event for every step; nil is silent. Run
	// calls Event from one goroutine at a time, and never once it has
	// returned.
	Progress Progress
	// Now is the clock for elapsed times and timeouts. Default time.Now.
	Now func() time.Time
	// KnownIDs are the ids of every server the plan saw in the account:
	// a create whose answer was lost never adopts one of them, and a
	// create answered with one of them is an error.
	KnownIDs []int64
	// Managed reports whether a server name is one the fleet manages (a
	// declared name, a moved block's, or an owns match). Run ends by
	// checking that no managed name, and no name of a change, is carried
	// by two live servers. Nil: the changes' names only.
	Managed func(name string) bool
	// TempName gives the temporary name of a create_before_destroy
	// replacement. Default: name + "-cbd-" + 4 random letters/digits.
	TempName func(name string) string

	// perServer replaces the shared poller's lists by a GET of every
	// waiting server on its own backoff: the per-server polling baseline
	// of the tests and benchmarks.
	perServer bool
	// rounds is how many batches the plan's longest rollout has (see
	// poll.Config.Rounds).
	rounds int
	// runCheck runs one attempt of a health check; default rollout.Exec.
	runCheck rollout.Attempt
}

// The defaults of Options.
const (
	DefaultParallelism     = 10
	DefaultTimeout         = 10 * time.Minute
	DefaultPollInterval    = 500 * time.Millisecond
	DefaultMaxPollInterval = 5 * time.Second
)

// withDefaults returns o with every zero field set to its default.
func (o Options) withDefaults() Options {
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
	if o.runCheck == nil {
		o.runCheck = rollout.Exec
	}
	return o
}

// Run runs every change of p against acct, each server's chain in
// parallel (see DESIGN §7): creates wait for the server to be active (and
// stop it when its power is "off"), replaces delete then create (or, with
// create_before_destroy, create under a temporary name, delete, rename),
// updates and renames PATCH, starts, stops and reboots wait for the
// status.
//
// The plan's groups order the changes (see rollout.Schedule): a change that
// creates or starts a server waits for the groups it depends on to be
// up, deletes wait for their dependants' deletes, and a group's rollout
// runs the changes that take its running servers down in the plan's
// batches, never letting more of its servers be unavailable than
// max_unavailable allows (counting those already down), pausing between
// batches, and starting no new batch once more than max_failures have
// failed. A server a group with a health check brings up (created,
// replaced, started, rebooted) is done once it is active and its check
// has passed; with create_before_destroy the new server is checked before
// the old one is deleted. Servers of a group that were settling when the
// plan was made are waited for, unseen, as the group's changes are.
//
// It ends by listing the account and recording every managed name that
// two live servers carry (Result.Duplicates), unless its context was
// cancelled. It returns an error only for a misuse (a nil plan or
// account); every server's failure is in its ServerResult. It never creates a server twice
// for one change: a create whose answer was lost is resolved by looking the
// name up and adopting what is there.
func Run(ctx context.Context, acct engine.Account, p *engine.Plan, opts Options) (*Result, error) {
	if p == nil {
		return nil, errors.New("apply: no plan given; build one with the planner or load a saved plan")
	}
	if acct == nil {
		return nil, errors.New("apply: no account given; pass an API client")
	}
	if err := p.Check(); err != nil {
		return nil, fmt.Errorf("apply: the plan cannot be run: %w; make the plan again", err)
	}
	opts = opts.withDefaults()
	for _, g := range p.Groups {
		if g.Rollout != nil {
			opts.rounds = max(opts.rounds, g.Rollout.Batches)
		}
	}
	r := newRun(ctx, acct, opts)
	defer r.close()
	units := p.Changes
	if len(p.Groups) > 0 {
		r.groups = make(map[string]*engine.Group, len(p.Groups))
		for i := range p.Groups {
			r.groups[p.Groups[i].Label] = &p.Groups[i]
		}
		r.baseEnv = rollout.BaseEnv()
		units = append(slices.Clip(p.Changes), watches(p)...)
		r.order = rollout.NewSchedule(p, units, r.stopError, func(b Batch, servers []string) {
			r.progress.emit(Event{Kind: EventBatch, Batch: b, Servers: servers})
		})
	}
	r.visible = len(p.Changes)
	res := r.execute(units, nil)
	if ctx.Err() == nil {
		r.checkDuplicates(p.Changes, res)
	}
	sort.SliceStable(res.Results, func(i, j int) bool { return res.Results[i].Name < res.Results[j].Name })
	return res, nil
}

// watches are the changes the run makes of the plan's settling servers
// (engine.Group.Settling): each waits for its server to be active and
// healthy, as the group's changes do, and reports nothing.
func watches(p *engine.Plan) []engine.Change {
	var out []engine.Change
	for _, g := range p.Groups {
		for _, s := range g.Settling {
			st := &engine.ServerState{ID: s.ID, Name: s.Name, Power: "on", Status: "provisioning"}
			out = append(out, engine.Change{Name: s.Name, Group: g.Label, Before: st, After: st})
		}
	}
	return out
}
