package engine

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

// BuildDestroyPlan plans `vpsfleet destroy`: a delete of every live server
// that a declared server names, either by its own name or, when that name
// is not live, as the moved.from of a moved block to it (see matching).
// Several live servers of one declared name are an error, as in BuildPlan:
// destroy never guesses which of them was meant. Servers under
// lifecycle.prevent_destroy or fleet.protect are never deleted: they are
// kept and listed in Plan.Warnings ("db-01 kept: lifecycle.prevent_destroy"),
// each also a warning diagnostic. Owned but undeclared servers are left
// alone (destroy removes what the fleet declares, nothing else) and
// unmatched ones are counted in Plan.Unmanaged as in BuildPlan. opts.Targets
// narrows the plan as in BuildPlan. Pure and deterministic.
func BuildDestroyPlan(fleet *schema.Fleet, live []api.Server, opts PlanOptions) (*Plan, hcl.Diagnostics) {
	b := &planBuilder{plan: newPlan(), fleet: fleet}
	if fleet == nil {
		b.fail("No fleet", "BuildDestroyPlan was given no fleet; load the fleet files first.", nil)
		return b.plan, b.diags
	}
	m := matchServers(fleet, live)
	for _, p := range m.pairs {
		if len(p.live) == 0 || !opts.targets(p.desired.Name, p.moveFrom()) {
			continue
		}
		if len(p.live) > 1 {
			b.duplicate(p.desired, p.live)
			continue
		}
		s := p.live[0]
		if why := b.protection(p.desired, p.desired.Name, s.Name); why != "" {
			b.warn("Protected server kept", fmt.Sprintf("%s kept: %s", s.Name, why), subject(p.desired.Range))
			continue
		}
		b.add(Change{
			Name:    s.Name,
			Actions: []Action{ActionDelete},
			Before:  liveState(s),
			Reason:  fmt.Sprintf("destroy requested; declared at %s", shortRange(p.desired.Range)),
		}, s, p.desired)
	}
	for i := range live {
		if m.claimed[live[i].ID] {
			continue
		}
		if _, owned := firstMatch(fleet.Owns, live[i].Name); !owned {
			b.plan.Unmanaged++
		}
	}
	b.warnUnmatchedTargets(opts.Targets, live)
	return b.finish()
}
