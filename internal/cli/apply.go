package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

const applyDescription = `
Make the changes that bring the account to the fleet in PATH (default: the
working directory), or exactly the changes of a plan saved with
"vpsfleet plan -out FILE".

With fleet files, the plan is shown and applied after you type "yes"; without
a terminal, apply refuses unless -auto-approve is given. A saved plan is
applied without asking, after checking that the account has not changed since
the plan was made (if it has, nothing is changed).

Before changing anything, apply locks every server name it will touch (in a
PostgreSQL database with -lock-url or VPSFLEET_LOCK_URL, else with a file lock
on this machine), then reads the account and plans again under the lock.

The first Ctrl-C starts nothing new, lets requests in flight finish and
reports; a second one exits at once. Running apply again picks up where it
stopped. Exit 0 only when every change succeeded.`

// applyFlags are the flags of apply and destroy.
type applyFlags struct {
	planFlags
	autoApprove  bool
	timeout      time.Duration
	pollInterval time.Duration
	lock         lockFlags
	json         bool
}

func (a *applyFlags) register(fs *flag.FlagSet) {
	a.planFlags.register(fs)
	fs.BoolVar(&a.autoApprove, "auto-approve", false, "do not ask for confirmation (needed without a terminal)")
	fs.DurationVar(&a.timeout, "timeout", 10*time.Minute, "how long one server may take to reach a status before it fails")
	fs.DurationVar(&a.pollInterval, "poll-interval", 500*time.Millisecond, "first look at a server that waits for a status; the poller then learns how long each kind of change takes and looks when servers are due (slow ones back off to 5s)")
	a.lock.register(fs)
	fs.BoolVar(&a.json, "json", false, "write the run as JSON events, one per line, to standard output; what people read goes to standard error")
}

var applyCommand = &command{
	name:        "apply",
	synopsis:    "Make the changes of a plan or a fleet",
	usage:       "[-auto-approve] [-json] [-parallelism N] [-timeout D] [-target GLOB] [-var k=v] [-var-file F] [-lock-url URL] [-lock-timeout D] [-endpoint E] [PATH|PLANFILE]",
	description: applyDescription,
	flags: func(c *cli, fs *flag.FlagSet) func([]string) int {
		var af applyFlags
		af.register(fs)
		return func(pos []string) int {
			return c.withEvents(af.json, func(c *cli) int {
				arg, code, ok := c.applyArg("apply", pos, af)
				if !ok {
					return code
				}
				return c.runApply(arg, af)
			})
		}
	},
}

// runApply applies the fleet or saved plan at arg.
func (c *cli) runApply(arg string, af applyFlags) int {
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
	return c.applyFleet(arg, af, applyOperation)
}

// applyArg checks the one optional argument and the flag values of apply
// or destroy, printing any problem; ok false comes with the exit code.
func (c *cli) applyArg(name string, pos []string, af applyFlags) (arg string, code int, ok bool) {
	if arg, ok = c.atMostOne(name, pos); !ok {
		return "", exitError, false
	}
	if err := af.invalid(); err != nil {
		return "", c.errorf("%v", err), false
	}
	return arg, exitOK, true
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
	return a.lock.invalid()
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
