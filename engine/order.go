package engine

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/internal/words"
	"github.com/vpsfleet/vpsfleet/schema"
)

// rolloutOf gives the rollout that governs a group, from the block's own
// (nil: none). BuildPlan takes the fleet's; vpsfleet reboot rolls every
// group, with a default and -max-unavailable.
type rolloutOf func(label string, declared *schema.Rollout) *schema.Rollout

// declaredRollout is the fleet's own rollout block.
func declaredRollout(_ string, declared *schema.Rollout) *schema.Rollout { return declared }

// groupPlan is one server block while the plan's order is worked out.
type groupPlan struct {
	label    string
	deps     []string
	rollout  *schema.Rollout
	servers  int
	down     int
	settling []ServerRef
	// permanent counts the servers down that this plan does not bring
	// back: the batches are sized around them.
	permanent int
	// dependants are the groups that depend on this one, in fleet order.
	dependants []*groupPlan
	// governed are the changes the rollout governs; brings and deletes
	// count the group's changes that bring a server up and that delete.
	governed        []*Change
	brings, deletes int
}

// order records how the plan's changes (sorted) are ordered: each
// change's group, its rollout batch and the groups it waits for, and the
// plan's Groups (see Group). m is the matching the plan was made from;
// rollouts gives each group's rollout.
//
// A group's servers are down when meant to be on and not active; a
// change's server is down when the change Recovers. The rollout governs
// the changes that TakesDown; they are cut into batches in the plan's
// order, each of max_unavailable less the servers down that the plan
// does not bring back (at least one). A change that BringsUp waits for its
// group's depends_on; a delete for the deletes of the groups that depend
// on its group.
func (b *planBuilder) order(m *Matching, rollouts rolloutOf) {
	b.groupOrphans(m)
	ordering := false
	for i := range b.fleet.Servers {
		d := &b.fleet.Servers[i]
		if len(d.DependsOn) > 0 || rollouts(groupLabel(d), d.Rollout) != nil {
			ordering = true
			break
		}
	}
	if !ordering {
		return // a plan of many servers that nothing orders costs nothing more
	}
	groups, list := b.groupsOf(rollouts)
	byName := make(map[string]*Change, len(b.plan.Changes))
	for i := range b.plan.Changes {
		c := &b.plan.Changes[i]
		byName[c.Name] = c
		if g := groups[c.Group]; g != nil {
			if c.BringsUp() {
				g.brings++
			}
			if c.Has(ActionDelete) {
				g.deletes++
			}
			if g.rollout != nil && c.TakesDown() {
				g.governed = append(g.governed, c)
			}
		}
	}
	b.availability(m, groups, byName)
	for i := range b.plan.Changes {
		c := &b.plan.Changes[i]
		g := groups[c.Group]
		switch {
		case g == nil:
		case c.BringsUp() && len(g.deps) > 0:
			c.WaitsFor = slices.Clone(g.deps)
		case c.Has(ActionDelete):
			for _, d := range g.dependants {
				if d.deletes > 0 {
					c.WaitsFor = append(c.WaitsFor, d.label)
				}
			}
		}
	}
	for _, g := range topological(list) {
		if g.rollout == nil && len(g.deps) == 0 && len(g.dependants) == 0 {
			continue
		}
		b.plan.Groups = append(b.plan.Groups, b.recordGroup(g))
	}
}

// groupsOf gathers the fleet's server blocks, in the fleet's order.
func (b *planBuilder) groupsOf(rollouts rolloutOf) (map[string]*groupPlan, []*groupPlan) {
	groups := map[string]*groupPlan{}
	var list []*groupPlan
	for i := range b.fleet.Servers {
		d := &b.fleet.Servers[i]
		label := groupLabel(d)
		g := groups[label]
		if g == nil {
			g = &groupPlan{label: label, deps: d.DependsOn, rollout: rollouts(label, d.Rollout)}
			groups[label] = g
			list = append(list, g)
		}
		g.servers++
	}
	for _, g := range list {
		for _, dep := range g.deps {
			if d := groups[dep]; d != nil {
				d.dependants = append(d.dependants, g)
			}
		}
	}
	return groups, list
}

// groupOrphans sets the Group of each delete of a server no block
// declares to the count or for_each group it is named like, if any (a
// declared server's change has its block's already).
func (b *planBuilder) groupOrphans(m *Matching) {
	var orphanGroup map[int64]string
	for _, o := range m.Orphans {
		if d := o.NamedLike; d != nil && d.Group != "" && d.Group != d.Name {
			if orphanGroup == nil {
				orphanGroup = map[int64]string{}
			}
			orphanGroup[o.Live.ID] = d.Group
		}
	}
	if orphanGroup == nil {
		return
	}
	for i := range b.plan.Changes {
		if c := &b.plan.Changes[i]; c.Group == "" && c.Before != nil {
			c.Group = orphanGroup[c.Before.ID]
		}
	}
}

// availability counts each group's servers that are down (see Group.Down)
// and finds, of those the plan does not change, the ones settling on
// their own and the ones that stay down.
func (b *planBuilder) availability(m *Matching, groups map[string]*groupPlan, changes map[string]*Change) {
	for _, p := range m.Pairs {
		g := groups[groupLabel(p.Desired)]
		if g == nil || len(p.Live) > 1 {
			continue
		}
		if c := changes[p.Desired.Name]; c != nil {
			if c.Recovers() {
				g.down++
			}
			continue
		}
		var live *api.Server
		if len(p.Live) == 1 {
			live = p.Live[0]
		}
		if !meantOn(p.Desired, live) || live != nil && live.Status == api.StatusActive {
			continue
		}
		g.down++
		switch {
		case live != nil && live.Status.Transitional() && live.Status.PoweredOn():
			g.settling = append(g.settling, ServerRef{ID: live.ID, Name: live.Name})
		default:
			g.permanent++
		}
	}
}

// groupLabel is the label of d's server block: its Group, which the
// schema always sets, else its name.
func groupLabel(d *schema.DesiredServer) string {
	if d.Group != "" {
		return d.Group
	}
	return d.Name
}

// meantOn reports whether the fleet keeps d running, given its live
// server (nil when there is none): its power, or the live one when
// lifecycle.ignore_changes names power.
func meantOn(d *schema.DesiredServer, live *api.Server) bool {
	if live != nil && d.Lifecycle.Ignores(schema.AttrPower) {
		return livePower(live.Status) == schema.PowerOn
	}
	return desiredPower(d) == schema.PowerOn
}

// recordGroup makes the plan's Group of g: its rollout resolved and its
// governed changes cut into batches, warning when the servers that stay
// down leave the rollout no room.
func (b *planBuilder) recordGroup(g *groupPlan) Group {
	out := Group{Label: g.label, DependsOn: slices.Clone(g.deps), Servers: g.servers, Down: g.down}
	waitedFor := len(g.governed) > 0
	for _, d := range g.dependants {
		waitedFor = waitedFor || d.brings > 0
	}
	if waitedFor {
		out.Settling = g.settling
	}
	r := g.rollout
	if r == nil {
		return out
	}
	maxU := r.MaxUnavailable.Resolve(g.servers)
	size := max(1, maxU-g.permanent)
	out.Rollout = &Rollout{
		MaxUnavailable: maxU,
		Written:        r.MaxUnavailable.String(),
		Pause:          r.Pause,
		MaxFailures:    r.MaxFailures,
		Changes:        len(g.governed),
		Batches:        (len(g.governed) + size - 1) / size,
		BatchSize:      min(size, len(g.governed)),
	}
	if hc := r.HealthCheck; hc != nil {
		out.Rollout.HealthCheck = &HealthCheck{Command: slices.Clone(hc.Command), Timeout: hc.Timeout, Interval: hc.Interval, Retries: hc.Retries, Dir: checkDir(r)}
	}
	for i, c := range g.governed {
		c.Batch = i/size + 1
	}
	if len(g.governed) > 0 && g.permanent >= maxU {
		b.warn("Rollout has no room", fmt.Sprintf(
			"%s: %s meant to be on %s down and this plan does not bring %s back, which max_unavailable %s (%d of %d) does not leave room for: its %s will not start. Bring the servers back (or raise max_unavailable), then plan again.",
			g.label, countServers(g.permanent), words.IsAre(g.permanent), words.ItThem(g.permanent), r.MaxUnavailable, maxU, g.servers, countChanges(len(g.governed))), subject(r.Range))
	}
	return out
}

// checkDir is the directory a rollout's health check runs in: that of
// the file that declares it.
func checkDir(r *schema.Rollout) string {
	if r.Range.Filename == "" {
		return ""
	}
	return filepath.Dir(r.Range.Filename)
}

// topological orders groups so that each comes after the groups it
// depends on, and otherwise keeps the order given: a depth-first walk,
// dependencies first, on a stack of its own so that a chain of any length
// cannot overflow the Go stack. The schema refuses cycles; a group caught
// in one anyway is placed once, where the walk meets it again.
func topological(list []*groupPlan) []*groupPlan {
	index := make(map[string]*groupPlan, len(list))
	for _, g := range list {
		index[g.label] = g
	}
	type frame struct {
		g    *groupPlan
		next int // the next of g.deps to visit
	}
	seen := make(map[*groupPlan]bool, len(list))
	out := make([]*groupPlan, 0, len(list))
	for _, root := range list {
		if seen[root] {
			continue
		}
		seen[root] = true
		stack := []frame{{g: root}}
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.next == len(top.g.deps) {
				out = append(out, top.g)
				stack = stack[:len(stack)-1]
				continue
			}
			d := index[top.g.deps[top.next]]
			top.next++
			if d != nil && !seen[d] {
				seen[d] = true
				stack = append(stack, frame{g: d})
			}
		}
	}
	return out
}

// countServers is "1 server" or "3 servers"; countChanges likewise.
func countServers(n int) string { return words.Count(n, "server") }
func countChanges(n int) string { return words.Count(n, "change") }
