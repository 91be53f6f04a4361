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
	// destroy and reboot word the report for vpsfleet destroy and
	// vpsfleet reboot.
	destroy, reboot bool
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

// execute runs plan against the account, showing progress and a report,
// and records the run's start and end in the journal of run. The first
// Ctrl-C, or the loss of run's locks, reaches the executor as its
// Interrupt: nothing new starts; the second Ctrl-C ends its context, so
// that it returns at once naming the servers whose request may still be
// in flight.
func (c *cli) execute(plan *engine.Plan, conn *connection, af applyFlags, view accountView, run *teamRun) int {
	if err := run.start(); err != nil {
		return run.refuse(err.Error())
	}
	color := c.color(af.noColor)
	progress := c.progress(plan)
	ints := watchInterrupts(func() {
		progress.say("\nInterrupt received: starting nothing new, letting requests in flight finish.\nPress Ctrl-C again to exit at once.\n")
	})
	defer ints.Stop()
	ctx := ints.Hard
	soft, stopGuard := run.guard(ints.Soft)
	defer stopGuard()
	res, err := apply.Run(ctx, conn.client, plan, apply.Options{
		Parallelism:  af.parallelism,
		Timeout:      af.timeout,
		PollInterval: af.pollInterval,
		Interrupt:    soft.Done(),
		Progress:     progress,
		KnownIDs:     view.known,
		Managed:      view.managed,
		TempName:     run.tempName,
	})
	progress.close()
	c.events.Report(res)
	if err != nil {
		return run.refuse(err.Error())
	}
	lostErr := lost(soft)
	if ctx.Err() != nil {
		why := "interrupted twice (Ctrl-C): exited with requests in flight"
		if names := res.InFlight; len(names) > 0 {
			fmt.Fprintf(c.stderr, "\nExiting now. Requests may still be in flight for: %s.\nRun \"vpsfleet plan\" to see where the account stands.\n", strings.Join(names, ", "))
			why += " for " + strings.Join(names, ", ")
		} else {
			fmt.Fprintf(c.stderr, "\nExiting now. No request was in flight.\n")
			why = "interrupted twice (Ctrl-C)"
		}
		run.end(exitError, why, res)
		return exitError
	}
	fmt.Fprintln(c.stdout)
	if err := render.Report(c.stdout, res, render.ReportOptions{Color: color, Destroy: view.destroy, Reboot: view.reboot}); err != nil {
		c.errorf("%v", err)
		run.end(exitError, err.Error(), res)
		return exitError
	}
	if diags := fieldDiagnostics(res, view.fleet); len(diags) > 0 {
		fmt.Fprintln(c.stderr)
		c.diagnostics(view.fleet.Files, diags, af.noColor)
	}
	if lostErr != nil {
		msg := fmt.Sprintf("%v.\nNo new work was started once the locks were lost. Run \"vpsfleet plan\" to see where the account stands, then apply again.", lostErr)
		c.errorf("%s", msg)
		run.end(exitError, lostErr.Error(), res)
		return exitError
	}
	if !res.OK() {
		run.end(exitError, resultError(res), res)
		return exitError
	}
	run.end(exitOK, "", res)
	return exitOK
}
