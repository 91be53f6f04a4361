package engine

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

// BuildPlan compares a fleet with the live servers and returns the changes
// that make the account match the fleet (DESIGN §5). It is pure and
// deterministic: no I/O, changes sorted by name (then live id).
//
// Matching: a live server is matched by desired name; a live server named
// by a moved.from is matched to the moved.to server when no live server
// carries that name (a rename); a moved block whose from and to are both
// live is ignored with a warning. For each desired server:
//   - not live: create, then stop when power = "off" (["create","stop"]);
//   - plan_id, os_id or location differ: replace; the new server keeps the
//     desired power (["replace","stop"] when it should stay off);
//   - otherwise rename through moved, update of hostname/backups_enabled,
//     start or stop, in that order (["rename","update"], ["update","stop"]).
//
// Compared: plan_id, os_id, location, hostname (only when the fleet sets
// one: "" is unmanaged), backups_enabled (always, unless ignored; a live
// value that is unknown, nil, is not compared) and power, where a live
// transitional status counts as its destination (provisioning, starting,
// rebooting → on; stopping → off). ssh_key_id is never compared: the API
// never returns it. lifecycle.ignore_changes attributes keep their live
// value in the after state. The power of a suspended server is not
// compared; a suspended server that needs any other change keeps the
// change (apply will fail it) and gets a warning.
//
// Live servers claimed by no desired server are deleted when a fleet.owns
// glob matches them, and counted in Plan.Unmanaged and listed in
// Plan.UnmanagedServers otherwise (whatever the targets). An unmanaged
// server named like a declared one (SameShape: db-02 beside db-01, web-04
// beside web-01..03) was most likely the fleet's until its block was
// removed: the plan warns that it will be left running. With opts.Targets, only servers whose desired, live or
// moved.from name, or whose server block's label, matches a target are
// planned: a server block's label targets its whole group.
//
// Errors, as diagnostics with the server block's range when known: a
// replace or delete of a server under lifecycle.prevent_destroy or
// fleet.protect, and two live servers for one desired server. Those
// servers get no change; the caller must not apply a plan that came with
// errors. Warnings (suspended servers, targeting in effect, a target that
// matches nothing, an ignored moved block) are diagnostics of severity
// warning and also strings in Plan.Warnings; a targeted plan records its
// targets in Plan.Targets. A nil fleet is an error diagnostic.
func BuildPlan(fleet *schema.Fleet, live []api.Server, opts PlanOptions) (*Plan, hcl.Diagnostics) {
	b := &planBuilder{plan: newPlan(), fleet: fleet}
	if fleet == nil {
		return b.noFleet("BuildPlan")
	}
	m := Match(fleet, live, opts.Targets)
	b.warnTargets(m, live, opts.Targets)
	for _, w := range m.MoveWarnings {
		b.warn("Moved block ignored", w.Text, subject(w.Move.Range))
	}
	for _, p := range m.Pairs {
		if !p.Targeted {
			continue
		}
		switch len(p.Live) {
		case 0:
			if t := adoptableTemp(p.Desired, p.Temps); t != nil {
				b.compare(p.Desired, t, finishing(t), nil)
				b.dropTemps(p, t)
				continue
			}
			b.create(p.Desired)
			b.dropTemps(p, nil)
		case 1:
			b.dropTemps(p, b.compare(p.Desired, p.Live[0], moving(p.Move), p.Temps))
		default:
			b.duplicate(p.Desired, p.Live)
		}
	}
	for _, o := range m.Orphans {
		if o.OwnedBy == "" {
			b.unmanaged(o)
			continue
		}
		if o.Targeted {
			b.delete(o.Live, o.OwnedBy)
		}
	}
	return b.finishOrdered(m, declaredRollout)
}

// planBuilder accumulates the changes and diagnostics of one plan.
type planBuilder struct {
	diagnosticsCollector
	plan  *Plan
	fleet *schema.Fleet
}

// noFleet refuses to plan without a fleet, naming the function asked.
func (b *planBuilder) noFleet(who string) (*Plan, hcl.Diagnostics) {
	b.fail("No fleet", who+" was given no fleet to plan; load the fleet files first.", nil)
	return b.plan, b.diags
}

// newPlan returns an empty plan whose slices serialise as [] not null.
func newPlan() *Plan {
	return &Plan{FormatVersion: FormatVersion, Changes: []Change{}, Warnings: []string{}}
}

// NewPlan returns a plan of the given changes, sorted and counted as
// BuildPlan sorts and counts them, with no warnings and nothing unmanaged.
func NewPlan(changes ...Change) *Plan {
	b := &planBuilder{plan: newPlan()}
	b.plan.Changes = append(b.plan.Changes, changes...)
	p, _ := b.finish()
	return p
}

// finishOrdered is finish, with the changes ordered by the fleet's groups
// (see order) once they are sorted.
func (b *planBuilder) finishOrdered(m *Matching, rollouts rolloutOf) (*Plan, hcl.Diagnostics) {
	b.sort()
	b.order(m, rollouts)
	return b.finish()
}

// finish sorts the changes, counts them and hands the plan over.
func (b *planBuilder) finish() (*Plan, hcl.Diagnostics) {
	b.sort()
	b.plan.Summary = summarize(b.plan.Changes)
	b.plan.Warnings = append(b.plan.Warnings, b.warnings...)
	return b.plan, b.diags
}

// sort puts the changes in the plan's order: by name, then live id.
func (b *planBuilder) sort() {
	slices.SortStableFunc(b.plan.Changes, func(x, y Change) int {
		if c := strings.Compare(x.Name, y.Name); c != 0 {
			return c
		}
		return cmp.Compare(x.LiveID(), y.LiveID())
	})
}

// protection says why a server may never be deleted or replaced
// ("lifecycle.prevent_destroy", "fleet.protect db-*"), or "" when it may.
// d may be nil (a server no block declares).
func (b *planBuilder) protection(d *schema.DesiredServer, names ...string) string {
	if d != nil && d.Lifecycle.PreventDestroy {
		return "lifecycle.prevent_destroy"
	}
	for _, n := range names {
		if p, ok := b.fleet.Protect.Match(n); ok {
			return "fleet.protect " + p
		}
	}
	return ""
}

// add appends a change, of d's group, warning when its server is
// suspended. d is the declaring server block, nil for a server no block
// declares.
func (b *planBuilder) add(c Change, live *api.Server, d *schema.DesiredServer) {
	if d != nil {
		c.Group = groupLabel(d)
	}
	if live != nil && live.Status == api.StatusSuspended {
		var at *hcl.Range
		if d != nil {
			at = subject(d.Range)
		}
		b.warn("Suspended server", fmt.Sprintf(
			"%s (id %d) is suspended: the provider accepts no action on it, so apply will fail its %s; ask the provider to lift the suspension",
			live.Name, live.ID, joinActions(c.Actions)), at)
	}
	b.plan.Changes = append(b.plan.Changes, c)
}

// joinActions lists actions as words: "update and stop".
func joinActions(as []Action) string {
	words := make([]string, len(as))
	for i, a := range as {
		words[i] = string(a)
	}
	switch len(words) {
	case 0:
		return "nothing"
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// create plans a server that is not in the account.
func (b *planBuilder) create(d *schema.DesiredServer) {
	c := Change{Name: d.Name, Actions: []Action{ActionCreate}, After: createState(d), Reason: "not in the account"}
	if c.After.Power == schema.PowerOff {
		c.Actions = append(c.Actions, ActionStop)
		c.Reason += "; power off requested, so it is stopped once created"
	}
	b.add(c, nil, d)
}

// duplicate refuses to plan a desired server that several live servers
// could be.
func (b *planBuilder) duplicate(d *schema.DesiredServer, live []*api.Server) {
	ids := make([]string, len(live))
	for i, s := range live {
		ids[i] = fmt.Sprint(s.ID)
	}
	b.fail("Two live servers share one name", fmt.Sprintf(
		"The account holds %d servers named %s (ids %s) and the fleet declares one. The plan refuses to guess which one is meant: delete or rename the extra ones in the account, then plan again.",
		len(live), live[0].Name, strings.Join(ids, ", ")), subject(d.Range))
}

// unmanaged counts and lists a live server that no block declares and no
// owns pattern matches, and, when it is named like a declared server (a
// server whose block was removed, most likely) and targeted, warns that it
// will be left running: without an owns pattern, removing a block leaves
// the server, and "No changes" alone would hide that.
func (b *planBuilder) unmanaged(o Orphan) {
	s := o.Live
	b.plan.Unmanaged++
	b.plan.UnmanagedServers = append(b.plan.UnmanagedServers, o.unmanaged())
	if o.NamedLike == nil || !o.Targeted {
		return
	}
	b.warn("Undeclared server left running", fmt.Sprintf(
		"%s is no longer declared and no owns pattern covers it: it will be left running (id %d; named like %s, which the fleet declares at %s). To delete it, add %q to fleet.owns or run vpsfleet server delete %d; to manage it again, declare it.",
		s.Name, s.ID, o.NamedLike.Name, shortRange(o.NamedLike.Range), s.Name, s.ID), nil)
}

// delete plans the removal of an owned, undeclared live server.
func (b *planBuilder) delete(s *api.Server, pattern string) {
	if why := b.protection(nil, s.Name); why != "" {
		b.fail("Deletion of a protected server", fmt.Sprintf(
			"%s (id %d) is not in the fleet and matches owns %s, so it would be deleted, but %s forbids that. Declare a server block for it, or remove it from the account by hand if it really must go.",
			s.Name, s.ID, pattern, why), nil)
		return
	}
	b.add(Change{
		Name:    s.Name,
		Actions: []Action{ActionDelete},
		Before:  liveState(s),
		Reason:  "not in the fleet, matched by owns " + pattern,
	}, s, nil)
}

// compare plans what a matched live server needs; ren is how it comes to
// carry the desired name (nil when it carries it). A replace with
// create_before_destroy finishes with a temporary server of temps left by
// an earlier replacement when one is what the fleet asks for; that server
// is returned (nil when none is kept).
func (b *planBuilder) compare(d *schema.DesiredServer, s *api.Server, ren *renaming, temps []*api.Server) (kept *api.Server) {
	before := liveState(s)
	after := managedState(d, s, before)
	if forcing := ForcingAttributes(before, after); len(forcing) > 0 {
		return b.replace(d, s, ren, before, after, forcing, temps)
	}
	c := Change{Name: d.Name, Before: before, After: after}
	var reasons []string
	if ren != nil {
		c.Actions = append(c.Actions, ActionRename)
		reasons = append(reasons, ren.why)
	}
	var updated []string
	if before.Hostname != after.Hostname {
		updated = append(updated, fmt.Sprintf("hostname %q → %q", before.Hostname, after.Hostname))
	}
	if before.BackupsEnabled != after.BackupsEnabled {
		updated = append(updated, fmt.Sprintf("backups_enabled %t → %t", before.BackupsEnabled, after.BackupsEnabled))
	}
	if len(updated) > 0 {
		c.Actions = append(c.Actions, ActionUpdate)
		reasons = append(reasons, strings.Join(updated, ", "))
	}
	if before.Power != after.Power {
		if after.Power == schema.PowerOn {
			c.Actions = append(c.Actions, ActionStart)
		} else {
			c.Actions = append(c.Actions, ActionStop)
		}
		reasons = append(reasons, fmt.Sprintf("power %s requested, server is %s", after.Power, s.Status))
	}
	if len(c.Actions) == 0 {
		return nil
	}
	c.Reason = strings.Join(reasons, "; ")
	b.add(c, s, d)
	return nil
}

// ForcingAttributes lists, in display order, the attributes whose
// difference between before and after can only be made by replacing the
// server (see schema.Attribute.ForcesReplacement).
func ForcingAttributes(before, after *ServerState) []schema.Attribute {
	var out []schema.Attribute
	for _, a := range schema.ServerAttributes {
		if a.ForcesReplacement() && !sameField(a, before, after) {
			out = append(out, a)
		}
	}
	return out
}

// replace plans a delete-then-create of a matched server, refusing
// protected ones.
func (b *planBuilder) replace(d *schema.DesiredServer, s *api.Server, ren *renaming, before, after *ServerState, forcing []schema.Attribute, temps []*api.Server) (kept *api.Server) {
	why := forcingReason(before, after, forcing)
	if p := b.protection(d, d.Name, s.Name); p != "" {
		at := d.Range
		if r, ok := d.AttrRanges[forcing[0]]; ok {
			at = r
		}
		b.fail("Replacement of a protected server", fmt.Sprintf(
			"%s (id %d) would be replaced (%s forces replacement), but %s forbids deleting it. Set the attribute back, or lift the protection if losing the server and its disk is intended.",
			s.Name, s.ID, why, p), subject(at))
		return nil
	}
	after.ID = 0
	after.SSHKeyID = d.SSHKeyID
	if !d.Lifecycle.Ignores(schema.AttrPower) {
		after.Power = desiredPower(d)
	}
	if !d.Lifecycle.Ignores(schema.AttrBackupsEnabled) {
		// The new server is made from the fleet, even when the live
		// value was unknown and so not compared.
		after.BackupsEnabled = d.BackupsEnabled
	}
	c := Change{
		Name:                d.Name,
		Actions:             []Action{ActionReplace},
		Before:              before,
		After:               after,
		Reason:              why + " forces replacement",
		CreateBeforeDestroy: d.Lifecycle.CreateBeforeDestroy,
		ForcedBy:            forcing,
	}
	if ren != nil {
		c.Reason += "; " + ren.takes
	}
	if c.CreateBeforeDestroy {
		if kept = adoptableTemp(d, temps); kept != nil {
			c.Replacement = liveState(kept)
			c.Reason += fmt.Sprintf("; finishes the replacement begun earlier: %s (id %d) is kept as the new server", kept.Name, kept.ID)
		}
	}
	if after.Power == schema.PowerOff {
		c.Actions = append(c.Actions, ActionStop)
		c.Reason += "; power off requested, so the new server is stopped once created"
	}
	b.add(c, s, d)
	return kept
}

// warnTargets warns, when the plan is targeted, that targeting is in
// effect (as Terraform does: the plan may not show everything the fleet
// asks for), and about every -target glob that names no desired server,
// server block label, moved.from or live server, so that a misspelt
// target never reads as "no changes".
func (b *planBuilder) warnTargets(m *Matching, live []api.Server, targets schema.GlobSet) {
	if len(targets) == 0 {
		return
	}
	b.plan.Targets = append([]string(nil), targets...)
	quoted := make([]string, len(targets))
	for i, t := range targets {
		quoted[i] = fmt.Sprintf("-target %q", t)
	}
	b.warn("Targeting is in effect", fmt.Sprintf(
		"Targeting is in effect: only the servers that %s selects (by name, server block label or moved.from) are planned, so this plan may not show every change the fleet asks for. Use -target to work around a problem or recover from a mistake, not routinely; plan without it to see everything.",
		strings.Join(quoted, " or ")), nil)
	for _, t := range m.unmatchedTargets(live) {
		b.warn("Target matches nothing", fmt.Sprintf(
			"-target %q matches nothing: no server block (name or label), moved block or server in the account has that name, so it selects no server; check the spelling (globs: * ? [...]).", t), nil)
	}
}
