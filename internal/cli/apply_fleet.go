package cli

import (
	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/render"
)

// applyFleet plans from fleet files, asks, and applies.
func (c *cli) applyFleet(path string, af applyFlags, destroy bool) int {
	ctx, stop := signalContext()
	pl := c.makePlan(ctx, path, af.planFlags, destroy)
	stop()
	if pl == nil {
		return exitError
	}
	defer pl.conn.Close()
	color := c.color(af.noColor)
	if err := render.Text(c.stdout, pl.plan, color); err != nil {
		return c.errorf("%v", err)
	}
	if pl.plan.Empty() {
		return exitOK
	}
	if !af.autoApprove {
		question, command := "Do you want to perform these actions?", "apply"
		if destroy {
			question, command = "Do you really want to destroy these servers? This cannot be undone.", "destroy"
		}
		if !c.confirm(question, command) {
			return exitError
		}
	}
	return c.execute(pl.plan, pl.conn, af, accountView{
		known:   liveIDs(pl.live),
		managed: engine.Match(pl.fleet, pl.live, nil).Concerns,
		destroy: destroy,
		fleet:   pl.fleet,
	})
}
