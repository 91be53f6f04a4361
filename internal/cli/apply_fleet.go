package cli

import (
	"context"
	"fmt"
	"slices"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/render"
)

// fleetOperation is a command that plans a fleet and runs the plan:
// apply, destroy or reboot.
type fleetOperation struct {
	// name is the command's name, as the journal records it.
	name string
	// build makes its plan.
	build planBuild
	// question asks for the go-ahead at the prompt.
	question string
	// destroy and reboot word the report.
	destroy, reboot bool
}

// The operations of apply and destroy (reboot's is rebootOperation).
var (
	applyOperation   = fleetOperation{name: "apply", build: engine.BuildPlan, question: "Do you want to perform these actions?"}
	destroyOperation = fleetOperation{name: "destroy", build: engine.BuildDestroyPlan, destroy: true,
		question: "Do you really want to destroy these servers? This cannot be undone."}
)

// applyFleet plans from fleet files, locks what the plan touches, plans
// again under the lock, asks, and applies.
func (c *cli) applyFleet(path string, af applyFlags, op fleetOperation) int {
	ctx, stop := signalContext()
	defer stop()
	pl := c.makePlan(ctx, path, af.planFlags, op.build)
	if pl == nil {
		return exitError
	}
	defer pl.conn.Close()
	run, err := c.openTeamRun(ctx, af.lock, pl.conn.endpoint, op.name, c.apiToken(af.accountFlags))
	if err != nil {
		return c.errorf("%v", err)
	}
	defer run.close()
	run.describe(pl.plan, fleetHash(pl.fleet.Hash))
	if code, ok := c.lockAndReplan(ctx, run, pl, af.planFlags, op.build); !ok {
		return code
	}
	stop()

	color := c.color(af.noColor)
	if err := render.Text(c.stdout, pl.plan, color); err != nil {
		return run.refuse(err.Error())
	}
	if pl.plan.Empty() {
		run.end(exitOK, "", nil)
		return exitOK
	}
	if !af.autoApprove {
		if !c.confirm(op.question, op.name) {
			run.end(exitError, "not approved at the prompt", nil)
			return exitError
		}
	}
	return c.execute(pl.plan, pl.conn, af, accountView{
		known:   liveIDs(pl.live),
		managed: engine.Match(pl.fleet, pl.live, nil).Concerns,
		destroy: op.destroy,
		reboot:  op.reboot,
		fleet:   pl.fleet,
	}, run)
}

// lockAndReplan locks every name pl's plan touches, then reads the account
// again and plans again under the lock, so that a run that waited for
// another sees what that run did: pl then holds the new plan, and any
// name it adds is locked at once or the run stops. An empty plan needs no
// lock and stays; with -lock=false the plan stays as it is. ok false
// comes with the exit code, the problem printed and recorded.
func (c *cli) lockAndReplan(ctx context.Context, run *teamRun, pl *planned, pf planFlags, build planBuild) (code int, ok bool) {
	if pl.plan.Empty() || run.locker == nil {
		return exitOK, true
	}
	run.tag = freeTempTag(pl.plan, run.tag, pl.live)
	if err := run.lock(ctx, lockNames(pl.plan, run.tag)); err != nil {
		return run.refuse(lockError(err, ctx)), false
	}
	live, plan, ok := c.replan(ctx, pl, pf, build)
	if !ok {
		run.end(exitError, "the plan made under the lock was refused", nil)
		return exitError, false
	}
	if !samePlan(pl.plan, plan) {
		fmt.Fprintf(c.stderr, "The account changed while this run waited for its locks: the plan shown was made again under the lock.\n")
	}
	pl.live, pl.plan = live, plan
	run.describe(plan, run.fleetHash)
	run.tag = freeTempTag(plan, run.tag, live)
	if err := run.lockMore(ctx, lockNames(plan, run.tag)); err != nil {
		return run.refuse(fmt.Sprintf("the plan made under the lock touches more servers than were locked, and %s", lockError(err, ctx))), false
	}
	return exitOK, true
}

// replan reads the account and plans pl's fleet again under the lock,
// printing any problem; ok false means the plan was refused.
func (c *cli) replan(ctx context.Context, pl *planned, pf planFlags, build planBuild) (live []api.Server, plan *engine.Plan, ok bool) {
	return c.readAndPlan(ctx, pl.conn, pl.fleet, pf, build, " under the lock")
}

// samePlan reports whether a and b make the same changes: the same
// servers, by name and live id, with the same actions.
func samePlan(a, b *engine.Plan) bool {
	return slices.EqualFunc(a.Changes, b.Changes, func(x, y engine.Change) bool {
		return x.Name == y.Name && slices.Equal(x.Actions, y.Actions) && x.LiveID() == y.LiveID()
	})
}

// fleetHash is a fleet's hash as the journal shows it.
func fleetHash(hex string) string {
	if hex == "" {
		return ""
	}
	return "sha256:" + hex
}
