package cli

import (
	"errors"
	"fmt"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/planfile"
	"github.com/vpsfleet/vpsfleet/engine/render"
)

// applySaved applies a saved plan: it refuses a plan file whose changes
// do not follow from the fleet and servers it records (edited or
// damaged), connects to the account the plan records (unless -endpoint or
// VPSORG_ENDPOINT names one, which must be the same), locks every name the
// plan touches, and checks under the lock that the account has not moved
// away from the plan; nothing is changed when it refuses.
func (c *cli) applySaved(file string, af applyFlags) int {
	saved, err := planfile.Read(file)
	if err != nil {
		return c.errorf("%v", err)
	}
	if err := saved.Verify(); err != nil {
		return c.errorf("the plan in %s cannot be trusted, so nothing was changed: %v.\nMake the plan again (vpsfleet plan -out FILE), review it, then apply it.", file, err)
	}
	account := af.account()
	if account.endpoint == "" && c.getenv("VPSORG_ENDPOINT") == "" {
		account.endpoint = saved.Endpoint
	}
	conn, err := c.connect(account)
	if err != nil {
		return c.errorf("%v\nThe plan in %s was made for %s; nothing was changed.", err, file, saved.Endpoint)
	}
	defer conn.Close()
	if saved.Endpoint != conn.endpoint {
		return c.errorf("the plan in %s was made for %s, but this apply would run against %s; nothing was changed.\nPoint vpsfleet at the same account (-endpoint or VPSORG_ENDPOINT), or make a new plan.", file, saved.Endpoint, conn.endpoint)
	}
	ctx, stop := signalContext()
	defer stop()
	run, err := c.openTeamRun(ctx, af.lock, conn.endpoint, "apply", c.apiToken(account))
	if err != nil {
		return c.errorf("%v", err)
	}
	defer run.close()
	run.describe(saved.Plan, fleetHash(saved.FleetHash))
	if err := run.lock(ctx, lockNames(saved.Plan, run.tag)); err != nil {
		return run.refuse(lockError(err, ctx))
	}
	live, err := engine.ReadLive(ctx, conn.client, saved.FleetModel(), engine.PlanOptions{Targets: saved.Targets, Parallelism: af.parallelism})
	if err != nil {
		return run.refuse(fmt.Sprintf("reading the account at %s: %v", conn.endpoint, accountError(conn.endpoint, err)))
	}
	if err := saved.CheckFresh(live); err != nil {
		var stale *planfile.StaleError
		if errors.As(err, &stale) {
			return run.refuse(fmt.Sprintf("the account changed since the plan in %s was made, so nothing was changed:\n  %s\nMake the plan again (vpsfleet plan -out FILE), review it, then apply it.", file, stale.Lines()))
		}
		return run.refuse(err.Error())
	}
	if tag := freeTempTag(saved.Plan, run.tag, live); tag != run.tag {
		run.tag = tag
		if err := run.lockMore(ctx, lockNames(saved.Plan, tag)); err != nil {
			return run.refuse(lockError(err, ctx))
		}
	}
	stop()
	c.events.Plan(saved.Plan)
	if err := render.Text(c.stdout, saved.Plan, c.color(af.noColor)); err != nil {
		return run.refuse(err.Error())
	}
	if saved.Plan.Empty() {
		run.end(exitOK, "", nil)
		return exitOK
	}
	return c.execute(saved.Plan, conn, af, accountView{known: saved.KnownIDs(), managed: saved.ManagedNames(), destroy: saved.Destroy, fleet: saved.FleetModel()}, run)
}
