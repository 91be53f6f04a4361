package apply

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply/poll"

	"github.com/vpsfleet/vpsfleet/api"
)

// maxPowerAttempts bounds how often a start or stop is sent for one step.
const maxPowerAttempts = 10

// deleteServer deletes server id. The API's 204 is its word that the
// server is deleted ("Serverul a fost șters cu succes"), and a 404 that
// it is already gone: either ends the step, with no wait and no look (a
// DELETE the API only accepted would be answered 202). accepted, when
// not nil, is called once the deletion is done.
func (ch *chain) deleteServer(id int64, name string, accepted func(), k then) move {
	s := ch.begin(engine.ActionDelete, id, "")
	err := ch.call(func(ctx context.Context) error {
		ch.changed.Store(true)
		return ch.r.acct.DeleteServer(ctx, id)
	})
	switch {
	case err == nil, api.IsNotFound(err):
	case api.IsOutcomeUnknown(err):
		// Deleting twice is harmless: a 404 now says the first one
		// took effect, a 204 that this one did.
		err = ch.call(func(ctx context.Context) error { return ch.r.acct.DeleteServer(ctx, id) })
		if err != nil && !api.IsNotFound(err) {
			return k(s.end(fmt.Errorf("deleting %s (id %d): %w", name, id, err)))
		}
	default:
		return k(s.end(fmt.Errorf("deleting %s (id %d): %w", name, id, err)))
	}
	if accepted != nil {
		accepted()
	}
	return k(s.end(nil))
}

// get reads one server under the request bound.
func (ch *chain) get(id int64) (*api.Server, error) {
	var srv *api.Server
	err := ch.call(func(ctx context.Context) error {
		var err error
		srv, err = ch.r.acct.GetServer(ctx, id)
		return err
	})
	return srv, err
}

// patch sends one PATCH to server id as step a.
func (ch *chain) patch(id int64, a engine.Action, req api.UpdateRequest, note string) error {
	s := ch.begin(a, id, note)
	err := ch.call(func(ctx context.Context) error {
		ch.changed.Store(true)
		_, err := ch.r.acct.UpdateServer(ctx, id, req)
		return err
	})
	if err != nil {
		return s.end(fmt.Errorf("updating %s (id %d): %w", ch.c.Name, id, err))
	}
	return s.end(nil)
}

// settle waits for a server in a transitional status to reach a stable one.
func (ch *chain) settle(id int64, name string, k then) move {
	s := ch.begin(engine.ActionUpdate, id, "waiting for the server to settle")
	return ch.wait(s, id, name, poll.GoalSettled, poll.Untimed, func(err error) move { return k(s.end(err)) })
}

// power starts (a is ActionStart), stops or reboots server id and waits
// for it to be active, stopped, or active again. An answer lost, or a 400
// "already running" / "not running", is resolved by reading the server:
// if it is at (or moving to) the target the step continues (for a reboot:
// only if it is rebooting, since active is where it began); if it is in
// another transition it waits for it to settle and tries again.
func (ch *chain) power(id int64, a engine.Action, k then) move {
	if err := ch.gate(); err != nil {
		return k(err)
	}
	name := ch.c.Name
	target, moving, goal := api.StatusActive, api.StatusStarting, poll.GoalActive
	send := ch.r.acct.StartServer
	verb := "starting"
	switch a {
	case engine.ActionStop:
		target, moving, goal = api.StatusStopped, api.StatusStopping, poll.GoalStopped
		send = ch.r.acct.StopServer
		verb = "stopping"
	case engine.ActionReboot:
		// Active is where a reboot begins: only rebooting shows it took.
		target, moving = api.StatusRebooting, api.StatusRebooting
		send = ch.r.acct.RebootServer
		verb = "rebooting"
	}
	s := ch.begin(a, id, "")
	reached := func(err error) move { return k(s.end(err)) }
	var seen []string // the status after each failed attempt, for the error
	var attempt func(n int) move
	attempt = func(n int) move {
		from := poll.Origin{Kind: a, Sent: time.Now()}
		err := ch.call(func(ctx context.Context) error {
			ch.changed.Store(true)
			_, err := send(ctx, id)
			return err
		})
		if err == nil {
			return ch.wait(s, id, name, goal, from, reached)
		}
		if !api.IsBadRequest(err) && !api.IsOutcomeUnknown(err) {
			return k(s.end(fmt.Errorf("%s %s (id %d): %w", verb, name, id, err)))
		}
		srv, gerr := ch.get(id)
		if gerr != nil {
			return k(s.end(fmt.Errorf("%s %s (id %d): %w; reading it back also failed: %v", verb, name, id, err, gerr)))
		}
		if srv.Status == target || srv.Status == moving {
			return ch.wait(s, id, name, goal, poll.Untimed, reached)
		}
		seen = append(seen, string(srv.Status))
		if n >= maxPowerAttempts {
			return k(s.end(fmt.Errorf("%s %s (id %d): %w (%d attempts, statuses after each: %s)", verb, name, id, err, n, strings.Join(seen, ", "))))
		}
		again := func() move {
			if err := ch.gate(); err != nil {
				return k(s.end(err))
			}
			return attempt(n + 1)
		}
		switch {
		case srv.Status == api.StatusSuspended:
			return k(s.end(fmt.Errorf("%s %s (id %d): the server is suspended by the provider and accepts no action; have it unsuspended, then run apply again", verb, name, id)))
		case srv.Status.Transitional():
			return ch.wait(s, id, name, poll.GoalSettled, poll.Untimed, func(werr error) move {
				if werr != nil {
					return k(s.end(werr))
				}
				return again()
			})
		case api.IsBadRequest(err):
			return k(s.end(fmt.Errorf("%s %s (id %d): %w (status %s)", verb, name, id, err, srv.Status)))
		}
		return again()
	}
	return attempt(1)
}
