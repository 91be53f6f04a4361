package cli

import (
	"errors"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/planfile"
	"github.com/vpsfleet/vpsfleet/engine/render"
)

// applySaved applies a saved plan: it refuses a plan file whose changes
// do not follow from the fleet and servers it records (edited or
// damaged), connects to the account the plan records (unless -endpoint or
// VPSORG_ENDPOINT names one, which must be the same), and refuses a plan
// the account has moved away from; nothing is changed when it refuses.
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
	live, err := engine.ReadLive(ctx, conn.client, saved.FleetModel(), engine.PlanOptions{Targets: saved.Targets, Parallelism: af.parallelism})
	stop()
	if err != nil {
		return c.errorf("reading the account at %s: %v", conn.endpoint, accountError(conn.endpoint, err))
	}
	if err := saved.CheckFresh(live); err != nil {
		var stale *planfile.StaleError
		if errors.As(err, &stale) {
			return c.errorf("the account changed since the plan in %s was made, so nothing was changed:\n  %s\nMake the plan again (vpsfleet plan -out FILE), review it, then apply it.", file, stale.Lines())
		}
		return c.errorf("%v", err)
	}
	c.events.Plan(saved.Plan)
	if err := render.Text(c.stdout, saved.Plan, c.color(af.noColor)); err != nil {
		return c.errorf("%v", err)
	}
	if saved.Plan.Empty() {
		return exitOK
	}
	return c.execute(saved.Plan, conn, af, accountView{known: saved.KnownIDs(), managed: saved.ManagedNames()})
}
