package cli

import (
	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine/planfile"
	"github.com/vpsfleet/vpsfleet/engine/render"
)

// applySaved applies a saved plan after checking it still fits the account.
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
	live, err := conn.client.ListServers(ctx, api.ListOptions{})
	stop()
	if err != nil {
		return c.errorf("reading the account at %s: %v", conn.endpoint, accountError(conn.endpoint, err))
	}
	if err := saved.CheckFresh(live); err != nil {
		return c.errorf("the account changed since the plan in %s was made; nothing was changed.\n%v\nRun \"vpsfleet plan -out %s\" again, review it, then apply it.", file, err, file)
	}
	c.events.Plan(saved.Plan)
	if err := render.Text(c.stdout, saved.Plan, c.color(af.noColor)); err != nil {
		return c.errorf("%v", err)
	}
	if saved.Plan.Empty() {
		return exitOK
	}
	return c.execute(saved.Plan, conn, af, accountView{known: saved.KnownIDs(), managed: saved.Manages})
}
