package apply

import (
	"context"
	"fmt"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply/rollout"
)

// The environment a health check runs with: vpsfleet's own, without the
// API token and the lock database's URL, and these facts of the server it
// checks. They are the names of package rollout, which runs the checks.
const (
	// EnvServerName is the server's name as the fleet gives it (a
	// create_before_destroy replacement is checked while it still runs
	// under its temporary name).
	EnvServerName = rollout.EnvServerName
	// EnvServerID is the server's id.
	EnvServerID = rollout.EnvServerID
	// EnvServerIPv4 and EnvServerIPv6 are its addresses ("" when it has
	// none).
	EnvServerIPv4 = rollout.EnvServerIPv4
	EnvServerIPv6 = rollout.EnvServerIPv6
	// EnvServerHostname is its hostname ("" when it has none).
	EnvServerHostname = rollout.EnvServerHostname
	// EnvGroup is the label of its server block.
	EnvGroup = rollout.EnvGroup
	// EnvBatch is the rollout batch it came up in ("" when none).
	EnvBatch = rollout.EnvBatch
	// EnvAttempt is which run of the check this is, from 1.
	EnvAttempt = rollout.EnvAttempt
)

// HealthCheckError is a health check that did not pass: every attempt
// failed. It is the error of package rollout, which runs the checks: an
// alias, so that callers keep writing apply.HealthCheckError.
type HealthCheckError = rollout.HealthCheckError

// healthCheck of a group, nil when it has none.
func (r *run) healthCheck(group string) *engine.HealthCheck {
	if g := r.groups[group]; g != nil && g.Rollout != nil {
		return g.Rollout.HealthCheck
	}
	return nil
}

// healthy runs the health check of the chain's group on server id, which
// has just become active, and goes on with k: its error is a
// *HealthCheckError when the check did not pass. Without a health check
// it goes on at once. The command runs off the workers, with the server's
// facts (read with one GET) in its environment; the first Ctrl-C ends it.
func (ch *chain) healthy(id int64, k then) move {
	hc := ch.r.healthCheck(ch.c.Group)
	if hc == nil || len(hc.Command) == 0 {
		return k(nil)
	}
	if err := ch.gate(); err != nil {
		return k(err)
	}
	srv, err := ch.get(id)
	if err != nil {
		return k(fmt.Errorf("reading %s (id %d) for its health check: %w", ch.c.Name, id, err))
	}
	s := ch.begin(StepHealthCheck, id, hc.CommandLine())
	env := rollout.Env(ch.r.baseEnv, srv, ch.c.Name, ch.c.Group, ch.batch)
	return move{background: func(ctx context.Context) func() move {
		err := ch.r.checker.Run(ctx, hc, env, ch.c.Name, id)
		return func() move { return k(s.end(err)) }
	}}
}
