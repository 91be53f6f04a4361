package apply

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply/poll"

	"github.com/vpsfleet/vpsfleet/api"
)

// maxCreateAttempts bounds how often a create whose answer was lost, and
// which left no server behind, is sent again.
const maxCreateAttempts = 10

// adoptionSkew is how much earlier than this apply's create a server found
// after a lost answer may say it was created, allowing for the provider's
// clock: a server older than that was not made by this create.
const adoptionSkew = time.Minute

// createServer creates the desired server under name, waits for it to be
// active and returns its id. The answer must name the server asked for:
// another name, or the id of a server that existed before, is an error,
// never counted as created. A create whose answer was lost is resolved by
// listing the account: a new server of that name (one the plan did not
// see, created no earlier than adoptionSkew before this create was sent)
// with the requested plan_id, os_id and location is adopted; one that
// differs, or several, are an error (never deleted, never adopted); none,
// in two lists a poll interval apart, means nothing was made, and the
// create is sent again. A 402 marks the run's credits exhausted.
func (ch *chain) createServer(name string, k func(id int64, err error) move) move {
	after := ch.c.After
	req := api.CreateRequest{
		Name:     name,
		PlanID:   after.PlanID,
		OSID:     after.OSID,
		Location: after.Location,
		Hostname: after.Hostname,
		SSHKeyID: after.SSHKeyID,
	}
	if after.BackupsEnabled {
		b := true
		req.BackupsEnabled = &b
	}
	note := ""
	if name != after.Name {
		note = "temporary name " + name
	}
	cr := &creation{ch: ch, name: name, req: req, sentAt: time.Now(), k: k}
	cr.s = ch.begin(engine.ActionCreate, 0, note)
	// prior is whether the account was changed before this create; a
	// create that definitely failed changes nothing.
	cr.prior = ch.changed.Load()
	return cr.attempt(1)
}

// creation is one createServer in progress.
type creation struct {
	ch   *chain
	s    *stepRun
	name string
	req  api.CreateRequest
	// sentAt is when the first attempt was sent, by the poller's clock.
	sentAt time.Time
	prior  bool
	k      func(id int64, err error) move
}

// known reports whether id is a server that existed before: never
// adopted, never taken for a create's answer.
func (ch *chain) known(id int64) bool {
	return ch.r.known[id] || ch.c.Before != nil && ch.c.Before.ID == id
}

// attempt sends the create, the n-th time.
func (cr *creation) attempt(n int) move {
	ch, r, s := cr.ch, cr.ch.r, cr.s
	var srv *api.Server
	sent := time.Now()
	err := ch.call(func(ctx context.Context) error {
		if r.creditsExhausted.Load() {
			return ErrCredits
		}
		ch.changed.Store(true)
		var err error
		srv, err = r.acct.CreateServer(ctx, cr.req)
		return err
	})
	if err == nil {
		if why := answerMismatch(srv, cr.name, ch.known); why != "" {
			return cr.k(0, s.end(fmt.Errorf("creating %s: the API answered with %s, so nothing was counted as created and nothing was sent again; run plan to see whether %s exists", cr.name, why, cr.name)))
		}
		return cr.made(srv.ID, poll.Origin{Kind: engine.ActionCreate, Sent: sent})
	}
	if errors.Is(err, ErrCredits) || api.IsPaymentRequired(err) {
		if !errors.Is(err, ErrCredits) {
			r.creditsExhausted.Store(true)
			err = fmt.Errorf("%w (%v)", ErrCredits, err)
		}
		ch.changed.Store(cr.prior)
		return cr.k(0, s.end(err))
	}
	if !api.IsOutcomeUnknown(err) {
		ch.changed.Store(cr.prior)
		return cr.k(0, s.end(fmt.Errorf("creating %s: %w", cr.name, err)))
	}
	servers, stale, lerr := ch.lookupNew(cr.name, cr.sentAt)
	if lerr == nil && len(servers) == 0 && len(stale) == 0 {
		// A provider may commit a create some time after its answer
		// was lost: look once more, a poll interval later, before
		// sending it again.
		return ch.pause(r.opts.PollInterval, func(ok bool) move {
			if ok {
				servers, stale, lerr = ch.lookupNew(cr.name, cr.sentAt)
			}
			return cr.resolve(n, err, servers, stale, lerr)
		})
	}
	return cr.resolve(n, err, servers, stale, lerr)
}

// resolve decides what a create whose answer (err) was lost made, from
// what the lookups found.
func (cr *creation) resolve(n int, err error, servers, stale []api.Server, lerr error) move {
	ch, s, name := cr.ch, cr.s, cr.name
	if lerr != nil {
		return cr.k(0, s.end(fmt.Errorf("creating %s: the answer was lost and the account could not be checked for it (%v); run plan to see whether it exists before applying again", name, lerr)))
	}
	if len(servers) == 0 && len(stale) > 0 {
		// Someone gave the name to a server that existed before:
		// it is not this create's, and creating again would make two.
		return cr.k(0, s.end(fmt.Errorf("creating %s: the answer was lost, and the only server of that name (ids %s) existed before this create was sent (renamed into the name?), so it was not adopted and nothing was sent again; find out who renamed it, then run plan again",
			name, joinIDs(stale))))
	}
	if len(servers) > 1 {
		return cr.k(0, s.end(fmt.Errorf("creating %s: the answer was lost and %d new servers of that name appeared (ids %s); delete the extra ones by hand", name, len(servers), joinIDs(servers))))
	}
	if len(servers) == 1 {
		// Adopt only what was asked for: a server of that name made
		// by someone else is not this create's.
		if diff := engine.CreationDifference(servers[0], cr.req.PlanID, cr.req.OSID, cr.req.Location); diff != "" {
			return cr.k(0, s.end(fmt.Errorf("creating %s: the answer was lost, and the only new server of that name (id %d) is not the one asked for (%s), so it was not adopted and nothing was sent again; find out who made it, delete or rename it, then run plan again",
				name, servers[0].ID, diff)))
		}
		id := servers[0].ID
		ch.note = fmt.Sprintf("adopted server %d after a lost answer", id)
		// Made by one of the attempts: timed from the first.
		return cr.made(id, poll.Origin{Kind: engine.ActionCreate, Sent: cr.sentAt})
	}
	// Nothing was made: sending it again is safe.
	ch.changed.Store(cr.prior)
	if n >= maxCreateAttempts {
		return cr.k(0, s.end(fmt.Errorf("creating %s: the answer was lost %d times and no server appeared; run apply again later: %w", name, n, err)))
	}
	if err := ch.gate(); err != nil {
		return cr.k(0, s.end(err))
	}
	return cr.attempt(n + 1)
}

// made counts server id as created and waits for it to be active. The
// wait keeps only what it goes on with, not the creation.
func (cr *creation) made(id int64, from poll.Origin) move {
	ch, s, k := cr.ch, cr.s, cr.k
	ch.changed.Store(true)
	ch.r.created.Add(1)
	ch.id.Store(id)
	return ch.wait(s, id, cr.name, poll.GoalActive, from, func(err error) move { return k(id, s.end(err)) })
}

// answerMismatch says how a create's answer is not the server asked for
// (named name, new), or "" when it is.
func answerMismatch(srv *api.Server, name string, known func(id int64) bool) string {
	switch {
	case srv == nil || srv.ID <= 0:
		return "no server id"
	case srv.Name != name:
		return fmt.Sprintf("server %q (id %d), not %s", srv.Name, srv.ID, name)
	case known(srv.ID):
		return fmt.Sprintf("the id %d of a server that existed before", srv.ID)
	}
	return ""
}

// lookupNew lists the account and returns the servers, sorted by id,
// named name: fresh are those that are not known and say they were
// created no earlier than adoptionSkew before sentAt; stale are the
// others, which existed before the create was sent. The listing is
// Stable: a page shift must not hide a server that was made.
func (ch *chain) lookupNew(name string, sentAt time.Time) (fresh, stale []api.Server, err error) {
	servers, err := ch.r.list(api.ListOptions{Stable: true}, ch.finishing || ch.r.finishers.Load() > 0)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range servers {
		switch {
		case s.Name != name:
		case !ch.known(s.ID) && !s.CreatedAt.Before(sentAt.Add(-adoptionSkew)):
			fresh = append(fresh, s)
		default:
			stale = append(stale, s)
		}
	}
	byID := func(a, b api.Server) int { return cmp.Compare(a.ID, b.ID) }
	slices.SortFunc(fresh, byID)
	slices.SortFunc(stale, byID)
	return fresh, stale, nil
}

// joinIDs lists the servers' ids: "12345, 12346".
func joinIDs(servers []api.Server) string {
	ids := make([]int64, len(servers))
	for i, s := range servers {
		ids[i] = s.ID
	}
	return joinInt64s(ids)
}
