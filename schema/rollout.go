package schema

import (
	"strconv"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// Rollout is a rollout block: how a group of servers changes when its
// servers must be replaced, stopped or rebooted. At most MaxUnavailable
// servers of the group are unavailable at once (counting those already
// down); each one brought back must pass HealthCheck, if any, before the
// next is taken down; Pause is waited between batches; and the rollout
// stops once more than MaxFailures servers have failed.
type Rollout struct {
	// MaxUnavailable is max_unavailable: a number of servers or a share
	// of the group (default: one server). Resolve it for the group's size.
	MaxUnavailable MaxUnavailable
	// Pause is pause: how long to wait after one batch is healthy before
	// starting the next (default 0).
	Pause time.Duration
	// MaxFailures is max_failures: how many servers may fail their action
	// or health check before the rollout stops starting new ones (default
	// 0: the first failure stops it).
	MaxFailures int
	// HealthCheck is the health_check block, or nil when there is none
	// (a server is then healthy once it is active).
	HealthCheck *HealthCheck
	// Range is the rollout block's header range (for diagnostics).
	Range hcl.Range
}

// MaxUnavailable is rollout.max_unavailable, written as a number of
// servers (2) or a percentage of the group ("10%"). Exactly one of Count
// and Percent is set.
type MaxUnavailable struct {
	// Count is a number of servers, at least 1; 0 when Percent is set.
	Count int
	// Percent is a share of the group, from 1 to 100; 0 when Count is
	// set.
	Percent int
}

// Resolve returns how many servers of a group of groupSize may be
// unavailable at once: Count, or Percent of groupSize rounded down; never
// more than the group, and never less than 1, so that a rollout always
// makes progress.
func (m MaxUnavailable) Resolve(groupSize int) int {
	n := m.Count
	if m.Percent > 0 {
		n = groupSize * m.Percent / 100
	}
	return max(min(n, groupSize), 1)
}

// String writes m as a fleet file does: "2" or "10%".
func (m MaxUnavailable) String() string {
	if m.Percent > 0 {
		return strconv.Itoa(m.Percent) + "%"
	}
	return strconv.Itoa(m.Count)
}

// HealthCheck is a rollout's health_check block: a command run (with the
// server's facts in its environment) to decide whether a server is
// healthy; exit status 0 means healthy.
type HealthCheck struct {
	// Command is the program and its arguments; never empty.
	Command []string
	// Timeout bounds one run of the command (default
	// DefaultHealthCheckTimeout); a run that takes longer fails.
	Timeout time.Duration
	// Interval is the time between runs (default
	// DefaultHealthCheckInterval).
	Interval time.Duration
	// Retries is how many more times a failing check is run, Interval
	// apart, before the server counts as failed: the command runs at most
	// Retries+1 times (default DefaultHealthCheckRetries).
	Retries int
}

// The health check's defaults, for attributes a health_check block does
// not set.
const (
	DefaultHealthCheckTimeout  = 10 * time.Second
	DefaultHealthCheckInterval = 5 * time.Second
	DefaultHealthCheckRetries  = 3
)
