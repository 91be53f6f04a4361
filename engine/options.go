package engine

import "github.com/vpsfleet/vpsfleet/schema"

// defaultReadParallelism is the number of detail GETs ReadLive keeps in
// flight when PlanOptions.Parallelism is not positive.
const defaultReadParallelism = 10

// PlanOptions narrows and tunes planning.
type PlanOptions struct {
	// Targets are the -target globs. When non-empty the plan only touches
	// servers whose name (desired name, live name, or moved.from), or the
	// label of whose server block, matches one of them. Empty means every
	// server.
	Targets schema.GlobSet
	// Parallelism bounds the detail GETs ReadLive has in flight; values
	// below 1 mean 10.
	Parallelism int
}

// parallelism returns the effective bound of requests in flight.
func (o PlanOptions) parallelism() int {
	if o.Parallelism < 1 {
		return defaultReadParallelism
	}
	return o.Parallelism
}
