package apply

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"

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
func (ch *chain) createServer(name string) (int64, error) {
	r := ch.r
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
	// Servers that existed before: never adopted, never taken for the
	// answer.
	known := make(map[int64]bool, len(r.opts.KnownIDs)+1)
	for _, id := range r.opts.KnownIDs {
		known[id] = true
	}
	if b := ch.c.Before; b != nil {
		known[b.ID] = true
	}
	sentAt := time.Now()

	note := ""
	if name != after.Name {
		note = "temporary name " + name
	}
	s := ch.begin(engine.ActionCreate, 0, note)
	// prior is whether the account was changed before this create; a
	// create that definitely failed changes nothing.
	prior := ch.changed.Load()
	var id int64
	for attempt := 1; ; attempt++ {
		var srv *api.Server
		err := ch.call(func(ctx context.Context) error {
			if r.creditsExhausted.Load() {
				return ErrCredits
			}
			ch.changed.Store(true)
			var err error
			srv, err = r.acct.CreateServer(ctx, req)
			return err
		})
		if err == nil {
			if why := answerMismatch(srv, name, known); why != "" {
				return 0, s.end(fmt.Errorf("creating %s: the API answered with %s, so nothing was counted as created and nothing was sent again; run plan to see whether %s exists", name, why, name))
			}
			id = srv.ID
			break
		}
		if errors.Is(err, ErrCredits) || api.IsPaymentRequired(err) {
			if !errors.Is(err, ErrCredits) {
				r.creditsExhausted.Store(true)
				err = fmt.Errorf("%w (%v)", ErrCredits, err)
			}
			ch.changed.Store(prior)
			return 0, s.end(err)
		}
		if !api.IsOutcomeUnknown(err) {
			ch.changed.Store(prior)
			return 0, s.end(fmt.Errorf("creating %s: %w", name, err))
		}
		servers, stale, lerr := ch.lookupNew(name, known, sentAt)
		if lerr == nil && len(servers) == 0 && len(stale) == 0 && ch.pause(r.opts.PollInterval) {
			// A provider may commit a create some time after its answer
			// was lost: look once more, a poll interval later, before
			// sending it again.
			servers, stale, lerr = ch.lookupNew(name, known, sentAt)
		}
		if lerr != nil {
			return 0, s.end(fmt.Errorf("creating %s: the answer was lost and the account could not be checked for it (%v); run plan to see whether it exists before applying again", name, lerr))
		}
		if len(servers) == 0 && len(stale) > 0 {
			// Someone gave the name to a server that existed before:
			// it is not this create's, and creating again would make two.
			return 0, s.end(fmt.Errorf("creating %s: the answer was lost, and the only server of that name (ids %s) existed before this create was sent (renamed into the name?), so it was not adopted and nothing was sent again; find out who renamed it, then run plan again",
				name, joinIDs(stale)))
		}
		if len(servers) > 1 {
			return 0, s.end(fmt.Errorf("creating %s: the answer was lost and %d new servers of that name appeared (ids %s); delete the extra ones by hand", name, len(servers), joinIDs(servers)))
		}
		if len(servers) == 1 {
			// Adopt only what was asked for: a server of that name made
			// by someone else is not this create's.
			if diff := engine.CreationDifference(servers[0], req.PlanID, req.OSID, req.Location); diff != "" {
				return 0, s.end(fmt.Errorf("creating %s: the answer was lost, and the only new server of that name (id %d) is not the one asked for (%s), so it was not adopted and nothing was sent again; find out who made it, delete or rename it, then run plan again",
					name, servers[0].ID, diff))
			}
			id = servers[0].ID
			ch.note = fmt.Sprintf("adopted server %d after a lost answer", id)
			break
		}
		// Nothing was made: sending it again is safe.
		ch.changed.Store(prior)
		if attempt >= maxCreateAttempts {
			return 0, s.end(fmt.Errorf("creating %s: the answer was lost %d times and no server appeared; run apply again later: %w", name, attempt, err))
		}
		if err := ch.gate(); err != nil {
			return 0, s.end(err)
		}
	}
	ch.changed.Store(true)
	r.created.Add(1)
	ch.id.Store(id)
	if _, err := ch.wait(s, id, name, goalActive); err != nil {
		return id, s.end(err)
	}
	return id, s.end(nil)
}

// answerMismatch says how a create's answer is not the server asked for
// (named name, new), or "" when it is.
func answerMismatch(srv *api.Server, name string, known map[int64]bool) string {
	switch {
	case srv == nil || srv.ID <= 0:
		return "no server id"
	case srv.Name != name:
		return fmt.Sprintf("server %q (id %d), not %s", srv.Name, srv.ID, name)
	case known[srv.ID]:
		return fmt.Sprintf("the id %d of a server that existed before", srv.ID)
	}
	return ""
}

// lookupNew lists the account and returns the servers, sorted by id,
// named name: fresh are those that are not in known and say they were
// created no earlier than adoptionSkew before sentAt; stale are the
// others, which existed before the create was sent. The listing is
// Stable: a page shift must not hide a server that was made.
func (ch *chain) lookupNew(name string, known map[int64]bool, sentAt time.Time) (fresh, stale []api.Server, err error) {
	servers, err := ch.r.list(api.ListOptions{Stable: true}, ch.finishing || ch.r.finishers.Load() > 0)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range servers {
		switch {
		case s.Name != name:
		case !known[s.ID] && !s.CreatedAt.Before(sentAt.Add(-adoptionSkew)):
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

// pause waits d, and reports false when the chain must stop before that.
func (ch *chain) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ch.haltCh():
		return false
	}
}
