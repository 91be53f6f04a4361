package cli

import (
	"fmt"
	"strings"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply"
	"github.com/vpsfleet/vpsfleet/engine/render"
	"github.com/vpsfleet/vpsfleet/schema"
)

// accountView is what the plan knew of the account, for the executor: the
// ids it saw (a lost create never adopts one) and the names the fleet
// manages (checked for duplicates at the end).
type accountView struct {
	known   []int64
	managed func(name string) bool
	// destroy words the report for vpsfleet destroy.
	destroy bool
	// fleet, when the plan was made from fleet files now, is where the
	// API's refusals of fields are pointed back to; nil for a saved plan.
	fleet *schema.Fleet
}

// liveIDs lists the ids of servers.
func liveIDs(servers []api.Server) []int64 {
	ids := make([]int64, len(servers))
	for i, s := range servers {
		ids[i] = s.ID
	}
	return ids
}

// execute runs plan against the account, showing progress and a report.
// The first Ctrl-C reaches the executor as its Interrupt; the second ends
// its context, so that it returns at once naming the servers whose
// request may still be in flight.
func (c *cli) execute(plan *engine.Plan, conn *connection, af applyFlags, view accountView) int {
	color := c.color(af.noColor)
	progress := c.progress(plan)
	ints := watchInterrupts(func() {
		progress.say("\nInterrupt received: starting nothing new, letting requests in flight finish.\nPress Ctrl-C again to exit at once.\n")
	})
	defer ints.Stop()
	ctx := ints.Hard
	res, err := apply.Run(ctx, conn.client, plan, apply.Options{
		Parallelism:  af.parallelism,
		Timeout:      af.timeout,
		PollInterval: af.pollInterval,
		Interrupt:    ints.Soft.Done(),
		Progress:     progress,
		KnownIDs:     view.known,
		Managed:      view.managed,
	})
	progress.close()
	c.events.Report(res)
	if err != nil {
		return c.errorf("%v", err)
	}
	if ctx.Err() != nil {
		if names := res.InFlight; len(names) > 0 {
			fmt.Fprintf(c.stderr, "\nExiting now. Requests may still be in flight for: %s.\nRun \"vpsfleet plan\" to see where the account stands.\n", strings.Join(names, ", "))
		} else {
			fmt.Fprintf(c.stderr, "\nExiting now. No request was in flight.\n")
		}
		return exitError
	}
	fmt.Fprintln(c.stdout)
	if err := render.Report(c.stdout, res, render.ReportOptions{Color: color, Destroy: view.destroy}); err != nil {
		return c.errorf("%v", err)
	}
	if diags := fieldDiagnostics(res, view.fleet); len(diags) > 0 {
		fmt.Fprintln(c.stderr)
		c.diagnostics(view.fleet.Files, diags, af.noColor)
	}
	if !res.OK() {
		return exitError
	}
	return exitOK
}
