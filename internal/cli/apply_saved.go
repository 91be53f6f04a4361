package cli

import (
	"fmt"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine/planfile"
	"github.com/vpsfleet/vpsfleet/engine/render"
)

// applySaved applies a saved plan: it locks every name the plan touches,
// then checks under the lock that the plan still fits the account.
func (c *cli) applySaved(file string, af applyFlags) int {
	saved, err := planfile.Read(file)
	if err != nil {
		return c.errorf("%v", err)
	}
	conn, err := c.connect(af.account())
	if err != nil {
		return c.errorf("%v\nThe plan in %s was made for %s; nothing was changed.", err, file, saved.Endpoint)
	}
	defer conn.Close()
	if saved.Endpoint != conn.endpoint {
		return c.errorf("the plan in %s was made for %s, but this apply would run against %s; nothing was changed.\nPoint vpsfleet at the same account (-endpoint or VPSORG_ENDPOINT), or make a new plan.", file, saved.Endpoint, conn.endpoint)
	}
	ctx, stop := signalContext()
	defer stop()
	run, err := c.openTeamRun(ctx, af.lock, conn.endpoint, "apply", c.apiToken(af.accountFlags))
	if err != nil {
		return c.errorf("%v", err)
	}
	defer run.close()
	run.describe(saved.Plan, fleetHash(saved.FleetHash))
	if err := run.lock(ctx, lockNames(saved.Plan, run.tag)); err != nil {
		return run.refuse(lockError(err, ctx))
	}
	live, err := conn.client.ListServers(ctx, api.ListOptions{})
	if err != nil {
		return run.refuse(fmt.Sprintf("reading the account at %s: %v", conn.endpoint, accountError(conn.endpoint, err)))
	}
	if err := saved.CheckFresh(live); err != nil {
		return run.refuse(fmt.Sprintf("the account changed since the plan in %s was made; nothing was changed.\n%v\nRun \"vpsfleet plan -out %s\" again, review it, then apply it.", file, err, file))
	}
	if tag := freeTempTag(saved.Plan, run.tag, live); tag != run.tag {
		run.tag = tag
		if err := run.lockMore(ctx, lockNames(saved.Plan, tag)); err != nil {
			return run.refuse(lockError(err, ctx))
		}
	}
	stop()
	if err := render.Text(c.stdout, saved.Plan, c.color(af.noColor)); err != nil {
		return run.refuse(err.Error())
	}
	if saved.Plan.Empty() {
		run.end(exitOK, "", nil)
		return exitOK
	}
	return c.execute(saved.Plan, conn, af, accountView{known: saved.KnownIDs(), managed: saved.Manages}, run)
}
