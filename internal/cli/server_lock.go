package cli

import (
	"context"
	"fmt"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply"
	"github.com/vpsfleet/vpsfleet/internal/journal"
)

// changesAccount reports whether the subcommand changes the account, and
// so locks the name of the server it changes.
func (s *serverCmd) changesAccount() bool {
	return s.name != "list" && s.name != "get"
}

// runLocked runs a subcommand that changes a server while holding the
// lock of its name (both names for a rename), as apply would, and
// records it in the run journal. A server renamed while it waited for
// the lock is left alone.
func (s *serverCmd) runLocked(ctx context.Context, conn *connection, id int64) int {
	if err := s.lock.invalid(); err != nil {
		return s.errorf("%v", err)
	}
	if s.name == "create" && s.newName == "" {
		// Nothing to lock: create refuses, naming what is missing.
		if err := s.do(ctx, conn.client, id); err != nil {
			return s.errorf("%v", err)
		}
		return exitOK
	}
	run, err := s.openTeamRun(ctx, s.lock, conn.endpoint, "server "+s.name, s.apiToken(s.account))
	if err != nil {
		return s.errorf("%v", err)
	}
	defer run.close()

	name, liveName := s.newName, ""
	if id != 0 {
		srv, err := conn.client.GetServer(ctx, id)
		if err != nil {
			return run.refuse(accountError(conn.endpoint, err).Error())
		}
		liveName = srv.Name
		if name == "" || !s.set["name"] {
			name = liveName
		}
	}
	run.describeServer(name, id, s.journalActions(liveName, name))
	if err := run.lock(ctx, lockNames(engine.NewPlan(s.change(liveName, name, id)), run.tag)); err != nil {
		return run.refuse(lockError(err, ctx))
	}
	if id != 0 && run.locker != nil {
		// Under the lock, the server must still be the one that was
		// locked: a run may have renamed it meanwhile.
		srv, err := conn.client.GetServer(ctx, id)
		if err != nil {
			return run.refuse(accountError(conn.endpoint, err).Error())
		}
		if srv.Name != liveName {
			return run.refuse(fmt.Sprintf("server %d was renamed from %s to %s while this command waited for its lock; nothing was changed: check that it is still the server you mean, then run the command again", id, liveName, srv.Name))
		}
	}
	if err := run.start(); err != nil {
		return run.refuse(err.Error())
	}
	err = s.do(ctx, conn.client, id)
	outcome := apply.ServerResult{Name: name, Outcome: apply.OutcomeDone, ID: id}
	if s.createdID != 0 {
		outcome.ID = s.createdID
	}
	if err != nil {
		err = accountError(conn.endpoint, err)
		outcome.Outcome, outcome.Err = apply.OutcomeFailed, err
		if s.name == "create" && s.createdID == 0 && !api.IsOutcomeUnknown(err) {
			outcome.Outcome = apply.OutcomeNotStarted // refused: nothing was made
		}
		s.errorf("%v", err)
		run.end(exitError, err.Error(), &apply.Result{Results: []apply.ServerResult{outcome}})
		return exitError
	}
	run.end(exitOK, "", &apply.Result{Results: []apply.ServerResult{outcome}})
	return exitOK
}

// change is the subcommand as a plan change, for lockNames: the server's
// name after it (name) and before (liveName, "" for a create).
func (s *serverCmd) change(liveName, name string, id int64) engine.Change {
	c := engine.Change{Name: name}
	if liveName != "" {
		c.Before = &engine.ServerState{ID: id, Name: liveName}
	}
	return c
}

// journalActions are the action words the journal records for the
// subcommand: create, update (and rename), delete, start, stop, reboot.
func (s *serverCmd) journalActions(liveName, name string) []string {
	words := []string{s.name}
	if s.name == "update" && liveName != "" && name != liveName {
		words = append(words, string(engine.ActionRename))
	}
	return words
}

// describeServer sets what the journal records of a server subcommand.
func (r *teamRun) describeServer(name string, id int64, actions []string) {
	r.plan = map[string]int{}
	for _, a := range actions {
		r.plan[a]++
	}
	r.servers = []journal.Server{{Name: name, ID: id, Actions: actions, Outcome: journal.OutcomePending}}
}
