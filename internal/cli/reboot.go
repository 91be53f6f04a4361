package cli

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/schema"
)

const rebootDescription = `
Reboot the running servers that the fleet in PATH (default: the working
directory) declares, group by group, as a rolling change: at no moment are
more than max_unavailable servers of a server block unavailable, counting
those already down. Each server is rebooted with the API's reboot endpoint,
waited for until it is active, then checked with its block's health check.

A block's rollout block (max_unavailable, pause, max_failures, health_check)
sets the pace; a block without one reboots one server at a time.
-max-unavailable replaces every block's max_unavailable. Servers that are not
active are left alone. Once more servers of a block have failed than its
max_failures allows, the rest of that block is not rebooted. depends_on is
followed: a block's servers reboot once the blocks it depends on are done.

The plan is shown and run after you type "yes" (without a terminal, only
with -auto-approve). Reboot locks the servers it reboots and records the run
in the run journal, as apply does. The first Ctrl-C starts nothing new and
lets the requests in flight finish; a second one exits at once.`

var rebootCommand = &command{
	name:        "reboot",
	synopsis:    "Reboot the fleet's servers, a few at a time",
	usage:       "[-target GLOB] [-max-unavailable N] [-auto-approve] [-json] [-parallelism N] [-timeout D] [-var k=v] [-var-file F] [-lock-url URL] [-lock-timeout D] [-endpoint E] [PATH]",
	description: rebootDescription,
	flags: func(c *cli, fs *flag.FlagSet) func([]string) int {
		var af applyFlags
		af.register(fs)
		var maxUnavailable string
		fs.StringVar(&maxUnavailable, "max-unavailable", "", "reboot at most `N` servers of each server block at once, or a share of the block such as 25%; default: the block's rollout max_unavailable, else 1")
		return func(pos []string) int {
			return c.withEvents(af.json, func(c *cli) int {
				arg, code, ok := c.applyArg("reboot", pos, af)
				if !ok {
					return code
				}
				m, err := parseMaxUnavailable(maxUnavailable)
				if err != nil {
					return c.errorf("%v", err)
				}
				return c.applyFleet(arg, af, rebootOperation(m))
			})
		}
	},
}

// rebootOperation is the fleet operation of vpsfleet reboot, with the
// -max-unavailable given (nil: each block's own).
func rebootOperation(m *schema.MaxUnavailable) fleetOperation {
	return fleetOperation{
		name: "reboot",
		build: func(fleet *schema.Fleet, live []api.Server, opts engine.PlanOptions) (*engine.Plan, hcl.Diagnostics) {
			return engine.BuildRebootPlan(fleet, live, engine.RebootOptions{Targets: opts.Targets, MaxUnavailable: m})
		},
		question: "Do you want to reboot these servers?",
		reboot:   true,
	}
}

// parseMaxUnavailable reads -max-unavailable: "" (nil), a whole number of
// servers, at least 1, or a percentage from 1% to 100%.
func parseMaxUnavailable(s string) (*schema.MaxUnavailable, error) {
	if s == "" {
		return nil, nil
	}
	bad := fmt.Errorf("-max-unavailable %q: give a whole number of servers, at least 1 (such as 2), or a share of each server block from 1%% to 100%% (such as 25%%)", s)
	if digits, ok := strings.CutSuffix(s, "%"); ok {
		p, err := strconv.Atoi(digits)
		if err != nil || p < 1 || p > 100 {
			return nil, bad
		}
		return &schema.MaxUnavailable{Percent: p}, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return nil, bad
	}
	return &schema.MaxUnavailable{Count: n}, nil
}
