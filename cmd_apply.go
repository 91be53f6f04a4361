package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
)

const applyDescription = `
Make the changes that bring the account to the fleet in PATH (default: the
working directory), or exactly the changes of a plan saved with
"vpsfleet plan -out FILE".

With fleet files, the plan is shown and applied after you type "yes"; without
a terminal, apply refuses unless -auto-approve is given. A saved plan is
applied without asking, after checking that the account has not changed since
the plan was made (if it has, nothing is changed).

The first Ctrl-C starts nothing new, lets requests in flight finish and
reports; a second one exits at once. Running apply again picks up where it
stopped. Exit 0 only when every change succeeded.`

const destroyDescription = `
Delete every live server that the fleet in PATH declares. Servers under
lifecycle.prevent_destroy or matched by fleet.protect are kept, and named.
Servers the fleet does not declare are never touched.`

// applyFlags are the flags of apply and destroy.
type applyFlags struct {
	planFlags
	autoApprove  bool
	timeout      time.Duration
	pollInterval time.Duration
}

func (a *applyFlags) register(fs *flag.FlagSet) {
	a.planFlags.register(fs)
	fs.BoolVar(&a.autoApprove, "auto-approve", false, "do not ask for confirmation (needed without a terminal)")
	fs.DurationVar(&a.timeout, "timeout", 10*time.Minute, "how long one server may take to reach a status before it fails")
	fs.DurationVar(&a.pollInterval, "poll-interval", 500*time.Millisecond, "first interval of the shared status poller (backs off to 5s)")
}

func runApply(c *cli, args []string) int {
	af, arg, code, ok := c.parseApplyArgs("apply", "[-auto-approve] [-parallelism N] [-timeout D] [-target NAME] [-var k=v] [-var-file F] [-endpoint E] [PATH|PLANFILE]", applyDescription, args)
	if !ok {
		return code
	}
	if arg != "" {
		if _, err := os.Stat(arg); errors.Is(err, os.ErrNotExist) {
			return c.errorf("%s does not exist; nothing was changed.\napply takes a directory of fleet files (default: the working directory), one *.hcl file, or a plan saved with \"vpsfleet plan -out FILE\".", arg)
		}
	}
	if isSavedPlanFile(arg) {
		if len(af.targets)+len(af.vars)+len(af.varFiles) > 0 {
			return c.errorf("-target, -var and -var-file cannot change a saved plan: %s is applied exactly as it was made.\nMake a new plan with those flags (vpsfleet plan -out FILE ...), then apply it.", arg)
		}
		return c.applySaved(arg, af)
	}
	return c.applyFleet(arg, af, false)
}

func runDestroy(c *cli, args []string) int {
	af, arg, code, ok := c.parseApplyArgs("destroy", "[-auto-approve] [-target NAME] [-var k=v] [-var-file F] [-endpoint E] [PATH]", destroyDescription, args)
	if !ok {
		return code
	}
	return c.applyFleet(arg, af, true)
}

// parseApplyArgs parses the flags and the one optional argument of apply
// or destroy, printing any problem; ok false comes with the exit code.
func (c *cli) parseApplyArgs(name, synopsis, description string, args []string) (af applyFlags, arg string, code int, ok bool) {
	fs := c.newFlagSet(name, synopsis, description)
	af.register(fs)
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return af, "", code, false
	}
	if arg, ok = c.atMostOne(name, pos); !ok {
		return af, "", exitError, false
	}
	if err := af.invalid(); err != nil {
		return af, "", c.errorf("%v", err), false
	}
	return af, arg, exitOK, true
}

// invalid returns the first flag value apply cannot work with, or nil.
func (a *applyFlags) invalid() error {
	if err := checkParallelism(a.parallelism); err != nil {
		return err
	}
	switch {
	case a.timeout <= 0:
		return fmt.Errorf("-timeout %s: give a positive duration such as 10m", a.timeout)
	case a.pollInterval <= 0:
		return fmt.Errorf("-poll-interval %s: give a positive duration such as 500ms", a.pollInterval)
	}
	return nil
}

// isSavedPlanFile reports whether path names a file that is not a fleet
// file, which apply then reads as a saved plan.
func isSavedPlanFile(path string) bool {
	if path == "" || strings.HasSuffix(path, ".hcl") {
		return false
	}
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}

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
	if err := engine.RenderText(c.stdout, pl.plan, color); err != nil {
		return c.errorf("%v", err)
	}
	if pl.plan.Empty() {
		return exitOK
	}
	if !af.autoApprove {
		question := "Do you want to perform these actions?"
		if destroy {
			question = "Do you really want to destroy these servers? This cannot be undone."
		}
		if !c.confirm(question) {
			return exitError
		}
	}
	return c.execute(pl.plan, pl.conn, af)
}

// applySaved applies a saved plan after checking it still fits the account.
func (c *cli) applySaved(file string, af applyFlags) int {
	saved, err := engine.ReadSavedPlan(file)
	if err != nil {
		return c.errorf("%v", err)
	}
	conn, err := c.connect(af.accountFlags)
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
	if err := engine.RenderText(c.stdout, saved.Plan, c.color(af.noColor)); err != nil {
		return c.errorf("%v", err)
	}
	if saved.Plan.Empty() {
		return exitOK
	}
	return c.execute(saved.Plan, conn, af)
}

// confirm asks question on a terminal and reports whether the answer was
// exactly "yes". Without a terminal it refuses and says how to approve.
func (c *cli) confirm(question string) bool {
	if !c.stdinTTY {
		c.errorf("no terminal to ask for confirmation; nothing was changed.\nIn pipelines, review the plan and pass -auto-approve (or apply a saved plan: vpsfleet plan -out FILE, then vpsfleet apply FILE).")
		return false
	}
	fmt.Fprintf(c.stdout, "\n%s\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ", question)
	line, _ := bufio.NewReader(c.stdin).ReadString('\n')
	if strings.TrimSpace(line) != "yes" {
		fmt.Fprintf(c.stdout, "\nApply cancelled; nothing was changed.\n")
		return false
	}
	fmt.Fprintln(c.stdout)
	return true
}

// execute runs plan against the account, showing progress and a report.
// The first Ctrl-C reaches Apply as its Interrupt; the second cancels its
// context, so that Apply returns at once naming the servers whose request
// may still be in flight.
func (c *cli) execute(plan *engine.Plan, conn *connection, af applyFlags) int {
	color := c.color(af.noColor)
	progress, closeProgress := c.progress(plan)
	ctx, abandon := context.WithCancel(context.Background())
	defer abandon()
	ints := watchInterrupts(func() {
		fmt.Fprintf(c.stderr, "\nInterrupt received: starting nothing new, letting requests in flight finish.\nPress Ctrl-C again to exit at once.\n")
	}, abandon)
	defer ints.Stop()
	res, err := engine.Apply(ctx, conn.client, plan, engine.ApplyOptions{
		Parallelism:  af.parallelism,
		Timeout:      af.timeout,
		PollInterval: af.pollInterval,
		Interrupt:    ints.Soft,
		Progress:     progress,
	})
	closeProgress()
	if err != nil {
		return c.errorf("%v", err)
	}
	if ctx.Err() != nil {
		if names := res.InFlight(); len(names) > 0 {
			fmt.Fprintf(c.stderr, "\nExiting now. Requests may still be in flight for: %s.\nRun \"vpsfleet plan\" to see where the account stands.\n", strings.Join(names, ", "))
		} else {
			fmt.Fprintf(c.stderr, "\nExiting now. No request was in flight.\n")
		}
		return exitError
	}
	fmt.Fprintln(c.stdout)
	if err := engine.WriteApplyReport(c.stdout, res, color); err != nil {
		return c.errorf("%v", err)
	}
	if !res.OK() {
		return exitError
	}
	return exitOK
}

// progress chooses the live view on a terminal, event lines otherwise, and
// returns it with what finishes it.
func (c *cli) progress(plan *engine.Plan) (engine.Progress, func()) {
	if c.stdoutTTY {
		live := engine.NewLiveProgress(c.stdout, len(plan.Changes), time.Now)
		return live, func() { live.Close() }
	}
	return engine.NewLineProgress(c.stdout, time.Now), func() {}
}
