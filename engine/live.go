package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

// ReadLive reads what a plan of fleet needs from the account: every page of
// the server list (a Stable listing: a server a page shift hid would be
// planned as a create), then a detail GET for each live server that is matched
// to a desired server (by name, or as the moved.from of a moved.to that is
// not live; within opts.Targets) whose BackupsEnabled the list left nil
// and whose desired server does not ignore backups_enabled. The detail
// replaces the list item (it is the fresher view). A 404 on a detail GET
// (deleted meanwhile) drops the server. At most opts.Parallelism detail
// GETs are in flight; the first other failure cancels the rest and is
// returned, naming the server. The result keeps the list's order; a server
// listed twice (pages shift when servers come and go during the listing)
// is kept once.
func ReadLive(ctx context.Context, acct Account, fleet *schema.Fleet, opts PlanOptions) ([]api.Server, error) {
	if acct == nil || fleet == nil {
		return nil, errors.New("read live servers: no account or no fleet given")
	}
	live, err := acct.ListServers(ctx, api.ListOptions{Stable: true})
	if err != nil {
		return nil, fmt.Errorf("list servers: %w", err)
	}
	live = uniqueByID(live)
	need := detailsNeeded(fleet, live, opts)
	if len(need) == 0 {
		return live, nil
	}
	return fetchDetails(ctx, acct, live, need, opts.parallelism())
}

// detailsNeeded returns the indexes into live of the servers that need a
// detail GET (see ReadLive).
func detailsNeeded(fleet *schema.Fleet, live []api.Server, opts PlanOptions) []int {
	m := Match(fleet, live, opts.Targets)
	pos := make(map[int64]int, len(live))
	for i := range live {
		pos[live[i].ID] = i
	}
	var need []int
	for _, p := range m.Pairs {
		if p.Desired.Lifecycle.Ignores(schema.AttrBackupsEnabled) || !p.Targeted {
			continue
		}
		for _, s := range slices.Concat(p.Live, p.Temps) {
			if s.BackupsEnabled == nil {
				need = append(need, pos[s.ID])
			}
		}
	}
	return need
}

// fetchDetails GETs live[i] for every i in need, at most limit at a time
// (limit workers take the next index), writing each detail over its list
// item, and returns live, in its order, without the servers that answered
// 404 (deleted meanwhile). It reuses live's array.
func fetchDetails(ctx context.Context, acct Account, live []api.Server, need []int, limit int) ([]api.Server, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next     atomic.Int64
		mu       sync.Mutex
		firstErr error
		gone     = make([]bool, len(live))
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
			cancel()
		}
	}
	for range min(limit, len(need)) {
		wg.Go(func() {
			for ctx.Err() == nil {
				k := int(next.Add(1)) - 1
				if k >= len(need) {
					return
				}
				i := need[k]
				s := live[i]
				detail, err := acct.GetServer(ctx, s.ID)
				switch {
				case api.IsNotFound(err):
					gone[i] = true
				case err != nil:
					fail(fmt.Errorf("read server %s (id %d): %w", s.Name, s.ID, err))
				case detail == nil:
					fail(fmt.Errorf("read server %s (id %d): the API returned no server", s.Name, s.ID))
				default:
					live[i] = *detail
				}
			}
		})
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = fmt.Errorf("read live servers: %w", ctx.Err())
	}
	if firstErr != nil {
		return nil, firstErr
	}
	kept := live[:0]
	for i := range live {
		if !gone[i] {
			kept = append(kept, live[i])
		}
	}
	return kept, nil
}

// uniqueByID drops every repeat of a server id, keeping the first.
func uniqueByID(live []api.Server) []api.Server {
	seen := make(map[int64]bool, len(live))
	out := live[:0]
	for _, s := range live {
		if !seen[s.ID] {
			seen[s.ID] = true
			out = append(out, s)
		}
	}
	return out
}
