package engine

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/internal/words"
	"github.com/vpsfleet/vpsfleet/schema"
)

// RebootOptions narrow and pace a reboot plan.
type RebootOptions struct {
	// Targets narrow the plan as PlanOptions.Targets do.
	Targets schema.GlobSet
	// MaxUnavailable, when set, replaces the max_unavailable of every
	// group (-max-unavailable).
	MaxUnavailable *schema.MaxUnavailable
}

// BuildRebootPlan plans `vpsfleet reboot`: a reboot of every live server
// the fleet declares (matched as BuildPlan matches them) that is active,
// group by group, as a rolling change: every group rolls, under its
// rollout block (pause, max_failures, health check) or, without one, one
// server at a time; opts.MaxUnavailable replaces every group's
// max_unavailable. Servers that are not active are left alone with a
// warning (the API reboots only running servers), and so are declared
// servers not in the account. Two live servers for one declared name are
// an error, as in BuildPlan. Pure and deterministic.
func BuildRebootPlan(fleet *schema.Fleet, live []api.Server, opts RebootOptions) (*Plan, hcl.Diagnostics) {
	b := &planBuilder{plan: newPlan(), fleet: fleet}
	if fleet == nil {
		return b.noFleet("BuildRebootPlan")
	}
	m := Match(fleet, live, opts.Targets)
	b.warnTargets(m, live, opts.Targets)
	notLive := 0
	for _, p := range m.Pairs {
		if !p.Targeted {
			continue
		}
		switch len(p.Live) {
		case 0:
			notLive++
			continue
		case 1:
		default:
			b.duplicate(p.Desired, p.Live)
			continue
		}
		s := p.Live[0]
		if s.Status != api.StatusActive {
			b.warn("Server not rebooted", fmt.Sprintf("%s (id %d) is %s, not active: only running servers are rebooted, so it is left as it is", s.Name, s.ID, s.Status), subject(p.Desired.Range))
			continue
		}
		before := liveState(s)
		after := *before
		after.Status = ""
		b.add(Change{Name: s.Name, Actions: []Action{ActionReboot}, Before: before, After: &after, Reason: "reboot requested"}, s, p.Desired)
	}
	if notLive > 0 {
		b.warn("Servers not in the account", fmt.Sprintf("%s the fleet declares %s not in the account, so there is nothing to reboot; vpsfleet apply creates %s", countServers(notLive), words.IsAre(notLive), words.ItThem(notLive)), nil)
	}
	for _, o := range m.Orphans {
		if o.OwnedBy == "" {
			b.plan.Unmanaged++
			b.plan.UnmanagedServers = append(b.plan.UnmanagedServers, o.unmanaged())
		}
	}
	return b.finishOrdered(m, opts.rollout)
}

// rollout is the rollout a reboot gives a group: its own rollout block,
// or one server at a time, with -max-unavailable instead of either's.
func (o RebootOptions) rollout(_ string, declared *schema.Rollout) *schema.Rollout {
	r := schema.Rollout{MaxUnavailable: schema.MaxUnavailable{Count: 1}}
	if declared != nil {
		r = *declared
	}
	if o.MaxUnavailable != nil {
		r.MaxUnavailable = *o.MaxUnavailable
	}
	return &r
}
