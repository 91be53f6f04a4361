package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply"
	"github.com/vpsfleet/vpsfleet/internal/journal"
)

// journalTimeout bounds each write to the run journal, so that a lock
// database that stops answering cannot hold a finished run open.
const journalTimeout = 30 * time.Second

// outcomeNotStarted is the journal's word for a server of a run that
// ended before anything was sent for it.
const outcomeNotStarted = string(apply.OutcomeNotStarted)

// describe sets what the journal records of the run's plan: the counts by
// action word and, per change, the server, its live id and its actions.
func (r *teamRun) describe(plan *engine.Plan, fleetHash string) {
	r.fleetHash = fleetHash
	r.plan = map[string]int{}
	r.servers = r.servers[:0]
	seen := map[string]bool{}
	for _, c := range plan.Changes {
		words := make([]string, len(c.Actions))
		for i, a := range c.Actions {
			words[i] = string(a)
			r.plan[words[i]]++
		}
		if seen[c.Name] {
			continue // a plan has one change per name; never fail the run on it
		}
		seen[c.Name] = true
		s := journal.Server{Name: c.Name, Actions: words, Outcome: journal.OutcomePending}
		if c.Before != nil {
			s.ID = c.Before.ID
		}
		r.servers = append(r.servers, s)
	}
}

// start records in the journal that the run begins to change the
// account, each server of its plan pending. Without a journal it does
// nothing. Its error means the run must not go on: nothing was changed.
func (r *teamRun) start() error {
	if r.journal == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), journalTimeout)
	defer cancel()
	id, err := r.journal.Start(ctx, r.run(time.Now()))
	if err != nil {
		return fmt.Errorf("%v; nothing was changed (with a lock database every run is recorded)", err)
	}
	r.runID = id
	return nil
}

// run is the journal's run as described so far, begun at started.
func (r *teamRun) run(started time.Time) journal.Run {
	return journal.Run{
		Scope:     r.scope,
		Operation: r.operation,
		Process:   r.process,
		StartedAt: started,
		FleetHash: r.fleetHash,
		Plan:      r.plan,
		Servers:   r.servers,
	}
}

// end records how the run ended: its exit code, why it failed (errText,
// "" on success) and each server's outcome in res (nil when the executor
// did not run: every server is then "not started"). A run that never
// started is recorded whole, from when it reached the lock. Only the
// first call counts. A journal that cannot be written is a warning on
// stderr: the run has ended either way, and `vpsfleet runs` then shows
// it unfinished.
func (r *teamRun) end(code int, errText string, res *apply.Result) {
	if r.journal == nil || r.ended {
		return
	}
	r.ended = true
	servers := r.outcomes(res)
	ctx, cancel := context.WithTimeout(context.Background(), journalTimeout)
	defer cancel()
	now := time.Now()
	var err error
	if r.runID == 0 {
		run := r.run(r.opened)
		run.Servers, run.FinishedAt, run.ExitStatus, run.Error = servers, &now, &code, errText
		r.runID, err = r.journal.Record(ctx, run)
	} else {
		err = r.journal.Finish(ctx, r.runID, journal.Finish{FinishedAt: now, ExitStatus: code, Error: errText, Servers: servers})
	}
	if err != nil {
		fmt.Fprintf(r.c.stderr, "Warning: the run journal could not record how this run ended: %v\n", err)
	}
}

// outcomes are the run's servers with the outcomes of res.
func (r *teamRun) outcomes(res *apply.Result) []journal.Server {
	byName := map[string]apply.ServerResult{}
	if res != nil {
		for _, sr := range res.Results {
			byName[sr.Name] = sr
		}
	}
	out := make([]journal.Server, len(r.servers))
	for i, s := range r.servers {
		s.Outcome = outcomeNotStarted
		if sr, ok := byName[s.Name]; ok {
			s.Outcome = string(sr.Outcome)
			if sr.ID != 0 {
				s.ID = sr.ID
			}
			if sr.Err != nil {
				s.Error = sr.Err.Error()
			}
		}
		out[i] = s
	}
	return out
}

// refuse prints msg as the command's error, records it as the run's end
// (exit 1, nothing run) and returns exitError.
func (r *teamRun) refuse(msg string) int {
	r.c.errorf("%s", msg)
	r.end(exitError, msg, nil)
	return exitError
}

// resultError sums up why res is not OK, for the journal.
func resultError(res *apply.Result) string {
	if res.OK() {
		return ""
	}
	notDone := len(res.Results) - res.Count(apply.OutcomeDone)
	msg := fmt.Sprintf("%d of %d servers not done (%d failed, %d interrupted, %d not started)", notDone, len(res.Results),
		res.Count(apply.OutcomeFailed), res.Count(apply.OutcomeInterrupted), res.Count(apply.OutcomeNotStarted))
	if len(res.Duplicates) > 0 {
		msg += fmt.Sprintf("; %d names carried by two live servers", len(res.Duplicates))
	}
	if res.CheckErr != nil {
		msg += "; the final check for duplicate names failed: " + res.CheckErr.Error()
	}
	return msg
}
