package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/planfile"
	"github.com/vpsfleet/vpsfleet/engine/render"
	"github.com/vpsfleet/vpsfleet/schema"
)

const planDescription = `
Read the fleet files in PATH (default: the working directory) and the live
account, and show what apply would do: create, update, replace, delete,
rename, start and stop, each with its reason. Nothing is changed.

With -destroy, show what "vpsfleet destroy" would delete instead; saved with
-out, that plan is reviewed with "vpsfleet show" and run with
"vpsfleet apply FILE" like any other.

Exit codes: 0 success, 1 error; with -detailed-exitcode 0 no changes,
1 error, 2 the plan has changes.`

// planFlags are the flags shared by plan, apply and destroy.
type planFlags struct {
	fleetFlags
	accountFlags
	targets     stringList
	parallelism int
}

func (p *planFlags) register(fs *flag.FlagSet) {
	p.fleetFlags.register(fs)
	p.accountFlags.register(fs)
	fs.Var(&p.targets, "target", "only servers whose name, or the label of whose server block, matches this `GLOB`, e.g. 'web-*' or web (repeatable)")
	fs.IntVar(&p.parallelism, "parallelism", 10, "API requests in flight")
}

// account is the account flags with the -parallelism the client is sized
// for.
func (p *planFlags) account() accountFlags {
	a := p.accountFlags
	a.parallelism = p.parallelism
	return a
}

func (p *planFlags) options() engine.PlanOptions {
	return engine.PlanOptions{Targets: schema.GlobSet(p.targets), Parallelism: p.parallelism}
}

var planCommand = &command{
	name:        "plan",
	synopsis:    "Show the changes that would bring the account to the fleet",
	usage:       "[-destroy] [-out FILE] [-json] [-markdown [-markdown-max-bytes N] [-full-plan WHERE]] [-detailed-exitcode] [-show-unmanaged] [-target GLOB] [-var k=v] [-var-file F] [-no-color] [-endpoint E] [PATH]",
	description: planDescription,
	flags: func(c *cli, fs *flag.FlagSet) func([]string) int {
		var o planOutput
		o.pf.register(fs)
		fs.StringVar(&o.out, "out", "", "save the plan to `FILE`, for \"vpsfleet apply FILE\"")
		fs.BoolVar(&o.json, "json", false, "print the plan as one JSON document")
		fs.BoolVar(&o.markdown, "markdown", false, "print the plan as Markdown for a pull-request comment")
		o.md.register(fs)
		fs.BoolVar(&o.detailed, "detailed-exitcode", false, "exit 2 when the plan has changes, 0 when none, 1 on error")
		fs.BoolVar(&o.destroy, "destroy", false, "plan the deletion of every server the fleet declares, as \"vpsfleet destroy\" would")
		fs.BoolVar(&o.showUnmanaged, "show-unmanaged", false, "list, by name and id, the servers of the account that the fleet neither declares nor owns (text output)")
		return func(pos []string) int { return c.runPlan(pos, o) }
	},
}

// planOutput holds the flags of plan.
type planOutput struct {
	pf                       planFlags
	out                      string
	json, markdown, detailed bool
	destroy                  bool
	md                       markdownFlags
	showUnmanaged            bool
}

// runPlan plans the fleet at the one optional path of pos and shows it.
func (c *cli) runPlan(pos []string, o planOutput) int {
	pf := o.pf
	if o.json && o.markdown {
		return c.errorf("-json and -markdown cannot be combined: choose one output.")
	}
	if err := o.md.check(o.markdown); err != nil {
		return c.errorf("%v", err)
	}
	if o.showUnmanaged && (o.json || o.markdown) {
		return c.errorf("-show-unmanaged lists the unmanaged servers in the text output; it cannot be combined with -json or -markdown.")
	}
	path, ok := c.atMostOne("plan", pos)
	if !ok {
		return exitError
	}
	if err := checkParallelism(pf.parallelism); err != nil {
		return c.errorf("%v", err)
	}
	if o.out != "" {
		if err := planfile.CheckTarget(o.out); err != nil {
			return c.errorf("%v", err)
		}
	}
	ctx, stop := signalContext()
	defer stop()
	pf.readOnly = true // plan changes nothing: it may read a sandbox an apply holds
	pl := c.makePlan(ctx, path, pf, planFor(o.destroy))
	if pl == nil {
		return exitError
	}
	defer pl.conn.Close()

	var err error
	switch {
	case o.json:
		err = render.JSON(c.stdout, pl.plan)
	case o.markdown:
		err = render.MarkdownWith(c.stdout, pl.plan, o.md.options(o.destroy))
	default:
		err = render.TextWith(c.stdout, pl.plan, render.TextOptions{Color: c.color(pf.noColor), ShowUnmanaged: o.showUnmanaged})
	}
	if err != nil {
		return c.errorf("writing the plan: %v", err)
	}
	if o.out != "" {
		saved := planfile.New(pl.plan, pl.fleet, pl.live, planfile.Made{
			Endpoint: pl.conn.endpoint,
			Targets:  schema.GlobSet(pf.targets),
			Destroy:  o.destroy,
			At:       time.Now(),
		})
		if err := planfile.Write(o.out, saved); err != nil {
			return c.errorf("saving the plan: %v", err)
		}
		if !o.json && !o.markdown {
			what, changes := "plan", "make exactly these changes"
			if o.destroy {
				what, changes = "destroy plan", "delete exactly these servers"
			}
			fmt.Fprintf(c.stdout, "\nSaved the %s to %s. To %s, run:\n  vpsfleet apply %s\n", what, o.out, changes, o.out)
		}
	}
	if o.detailed && !pl.plan.Empty() {
		return exitChanges
	}
	return exitOK
}

// planned is a plan with what it was made from.
type planned struct {
	fleet *schema.Fleet
	live  []api.Server
	plan  *engine.Plan
	conn  *connection
}

// planBuild plans a fleet against the account: engine.BuildPlan,
// BuildDestroyPlan, or the plan of vpsfleet reboot.
type planBuild func(fleet *schema.Fleet, live []api.Server, opts engine.PlanOptions) (*engine.Plan, hcl.Diagnostics)

// planFor is BuildDestroyPlan when destroy is true, else BuildPlan.
func planFor(destroy bool) planBuild {
	if destroy {
		return engine.BuildDestroyPlan
	}
	return engine.BuildPlan
}

// makePlan loads the fleet at path, reads the account and plans it with
// build. Every problem is printed; nil means the command failed. The
// caller closes the connection.
func (c *cli) makePlan(ctx context.Context, path string, pf planFlags, build planBuild) *planned {
	if err := checkGlobs("-target", pf.targets); err != nil {
		c.errorf("%v", err)
		return nil
	}
	fleet := c.load(path, pf.fleetFlags)
	if fleet == nil {
		return nil
	}
	conn, err := c.connect(pf.account())
	if err != nil {
		c.errorf("%v", err)
		return nil
	}
	live, plan, ok := c.readAndPlan(ctx, conn, fleet, pf, build, "")
	if !ok {
		conn.Close()
		return nil
	}
	c.events.Plan(plan)
	return &planned{fleet: fleet, live: live, plan: plan, conn: conn}
}

// readAndPlan reads what a plan of fleet needs from the account of conn
// and plans it with build, printing every problem; ok false means the
// plan was refused. when says when it happens, for the messages
// (" under the lock"; "" the first time).
func (c *cli) readAndPlan(ctx context.Context, conn *connection, fleet *schema.Fleet, pf planFlags, build planBuild, when string) (live []api.Server, plan *engine.Plan, ok bool) {
	live, err := engine.ReadLive(ctx, conn.client, fleet, pf.options())
	if err != nil {
		if when == "" {
			c.errorf("reading the account at %s: %v", conn.endpoint, accountError(conn.endpoint, err))
		} else {
			c.errorf("reading the account at %s%s: %v\nNothing was changed.", conn.endpoint, when, accountError(conn.endpoint, err))
		}
		return nil, nil, false
	}
	plan, diags := build(fleet, live, pf.options())
	if c.diagnostics(fleet.Files, onlyErrors(diags), pf.noColor) || plan == nil {
		what := "The plan"
		if when != "" {
			what = "The plan made" + when
		}
		fmt.Fprintf(c.stderr, "\n%s was refused; nothing was changed.\n", what)
		return nil, nil, false
	}
	return live, plan, true
}

// onlyErrors keeps the error diagnostics: the plan renderers show the
// warnings themselves.
func onlyErrors(diags hcl.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			out = append(out, d)
		}
	}
	return out
}
