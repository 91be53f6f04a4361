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
		return b.noFleet("BuildDestroyPlan")
	}
	m := Match(fleet, live, opts.Targets)
	b.warnTargets(m, live, opts.Targets)
	for _, p := range m.Pairs {
		if len(p.Live) == 0 || !p.Targeted {
			continue
		}
		if len(p.Live) > 1 {
			b.duplicate(p.Desired, p.Live)
			continue
		}
		s := p.Live[0]
		if why := b.protection(p.Desired, p.Desired.Name, s.Name); why != "" {
			b.warn("Protected server kept", fmt.Sprintf("%s kept: %s", s.Name, why), subject(p.Desired.Range))
			continue
		}
		b.add(Change{
			Name:    s.Name,
			Actions: []Action{ActionDelete},
			Before:  liveState(s),
			Reason:  fmt.Sprintf("destroy requested; declared at %s", shortRange(p.Desired.Range)),
		}, s, p.Desired)
	}
	for _, o := range m.Orphans {
		if o.OwnedBy == "" {
			b.plan.Unmanaged++
			b.plan.UnmanagedServers = append(b.plan.UnmanagedServers, o.unmanaged())
		}
	}
	return b.finishOrdered(m, declaredRollout)
}
