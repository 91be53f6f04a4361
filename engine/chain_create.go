package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/vpsfleet/vpsfleet/api"
)

// maxCreateAttempts bounds how often a create whose answer was lost, and
// which left no server behind, is sent again.
const maxCreateAttempts = 10

// createServer creates the desired server under name, waits for it to be
// active and returns its id. A create whose answer was lost is resolved by
// listing the account: a new server of that name is adopted, none means
// nothing was made and the create is sent again, several are an error
// (never deleted). A 402 marks the run's credits exhausted.
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
	// Servers of this name that existed before: never adopted.
	known := map[int64]bool{}
	if b := ch.c.Before; b != nil && b.Name == name {
		known[b.ID] = true
	}

	note := ""
	if name != after.Name {
		note = "temporary name " + name
	}
	s := ch.begin(ActionCreate, 0, note)
	// prior is whether the account was changed before this create; a
	// create that definitely failed changes nothing.
	prior := ch.changed.Load()
	var id int64
	for attempt := 1; ; attempt++ {
		var srv *api.Server
		err := r.call(ch.c.Name, func(ctx context.Context) error {
			if r.creditsGone() {
				return errCredits
			}
			ch.changed.Store(true)
			var err error
			srv, err = r.acct.CreateServer(ctx, req)
			return err
		})
		if err == nil {
			id = srv.ID
			break
		}
		if errors.Is(err, errCredits) || api.IsPaymentRequired(err) {
			if !errors.Is(err, errCredits) {
				r.markCreditsExhausted()
				err = fmt.Errorf("%w (%v)", errCredits, err)
			}
			ch.changed.Store(prior)
			return 0, s.end(err)
		}
		if !api.IsOutcomeUnknown(err) {
			ch.changed.Store(prior)
			return 0, s.end(fmt.Errorf("creating %s: %w", name, err))
		}
		found, lerr := ch.lookupNew(name, known)
		if lerr != nil {
			return 0, s.end(fmt.Errorf("creating %s: the answer was lost and the account could not be checked for it (%v); run plan to see whether it exists before applying again", name, lerr))
		}
		if len(found) == 1 {
			id = found[0]
			ch.note = fmt.Sprintf("adopted server %d after a lost answer", id)
			break
		}
		if len(found) > 1 {
			return 0, s.end(fmt.Errorf("creating %s: the answer was lost and %d new servers of that name appeared (ids %s); delete the extra ones by hand", name, len(found), joinIDs(found)))
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
	r.noteCreated()
	ch.id.Store(id)
	if _, err := ch.waitFor(s, id, name, goalActive); err != nil {
		return id, s.end(err)
	}
	return id, s.end(nil)
}

// lookupNew lists the account and returns the ids, sorted, of servers named
// name that are not in known. A failed list is tried again twice.
func (ch *chain) lookupNew(name string, known map[int64]bool) ([]int64, error) {
	var servers []api.Server
	var err error
	for range 3 {
		servers, err = ch.r.listAll(ch.r.reqCtx)
		if err == nil || ch.r.stopped() {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, s := range servers {
		if s.Name == name && !known[s.ID] {
			ids = append(ids, s.ID)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids, nil
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	return strings.Join(parts, ", ")
}
