package apply

import (
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply/outcome"
)

// Outcome is how one server's chain of actions ended. It is the type of
// package outcome, which the rollout schedule reads too (it cannot import
// this package, which imports it): an alias, so that callers keep
// writing apply.Outcome.
type Outcome = outcome.Outcome

// The outcomes of a server's chain (see package outcome).
const (
	// OutcomeDone: every action of the change succeeded.
	OutcomeDone = outcome.Done
	// OutcomeFailed: an action failed; Err says which and why.
	OutcomeFailed = outcome.Failed
	// OutcomeNotStarted: no request was sent for this server (credits ran
	// out, the token was refused, the run was interrupted, the live
	// server is suspended, its group's rollout stopped, or a group it
	// waits for did not come up); Err says why.
	OutcomeNotStarted = outcome.NotStarted
	// OutcomeInterrupted: the run was interrupted after this server's chain
	// had begun; the next apply picks up where it stopped.
	OutcomeInterrupted = outcome.Interrupted
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
	// Elapsed is the time the chain ran, by Options.Now.
	Elapsed time.Duration
	// Actions are the change's actions, for the report.
	Actions []engine.Action
	// Note says something people should know of a successful chain, e.g.
	// that a server was adopted after a lost answer.
	Note string
	// Batch is the rollout batch the change ran in (zero when no rollout
	// governs it).
	Batch Batch
}

// Result is the outcome of Run.
type Result struct {
	// Results holds one entry per change, sorted by name.
	Results []ServerResult
	// Created counts servers created, including those adopted after a
	// create whose answer was lost.
	Created int
	// Interrupted reports that Options.Interrupt was closed or the
	// context was cancelled before every chain ended.
	Interrupted bool
	// CreditsExhausted reports that a 402 stopped further creates.
	CreditsExhausted bool
	// Unauthorized reports that a 401 stopped everything.
	Unauthorized bool
	// InFlight names, sorted, the servers whose request may still be in
	// flight when Run returned: only non-empty when the context was
	// cancelled (the second Ctrl-C) while requests were outstanding.
	InFlight []string
	// Duplicates are the managed names two or more live servers carry
	// once every chain has ended (see Run); any makes the run fail.
	Duplicates []Duplicate
	// CheckErr is why the account could not be checked for duplicates at
	// the end, which makes the run fail; nil when it was checked.
	CheckErr error
}

// OK reports whether every change is done and the final check found no
// managed name carried by two live servers.
func (r *Result) OK() bool {
	if r == nil {
		return false
	}
	for _, s := range r.Results {
		if s.Outcome != OutcomeDone {
			return false
		}
	}
	return len(r.Duplicates) == 0 && r.CheckErr == nil
}

// Count returns how many results have outcome o.
func (r *Result) Count(o Outcome) int {
	n := 0
	for _, s := range r.Results {
		if s.Outcome == o {
			n++
		}
	}
	return n
}
