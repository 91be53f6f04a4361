package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/vpsfleet/vpsfleet/api"
)

// ReadDetailed lists the account and returns, in list order, the detail
// of every server that keep accepts (nil keeps all): what `export` needs,
// since only details carry backups_enabled. At most parallelism detail
// GETs are in flight; a server deleted meanwhile (404) is left out; the
// first other failure is returned, naming the server.
func ReadDetailed(ctx context.Context, acct Account, keep func(api.Server) bool, parallelism int) ([]api.Server, error) {
	if acct == nil {
		return nil, errors.New("read servers: no account given")
	}
	live, err := acct.ListServers(ctx, api.ListOptions{Stable: true})
	if err != nil {
		return nil, fmt.Errorf("list servers: %w", err)
	}
	live = uniqueByID(live)
	kept := live[:0]
	for _, s := range live {
		if keep == nil || keep(s) {
			kept = append(kept, s)
		}
	}
	need := make([]int, len(kept))
	for i := range kept {
		need[i] = i
	}
	return fetchDetails(ctx, acct, kept, need, PlanOptions{Parallelism: parallelism}.parallelism())
}
