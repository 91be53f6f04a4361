package planfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/schema"
)

// Verify checks that the plan follows from what it was made from, as a
// plan file that was edited or damaged does not: the embedded fleet hashes
// to FleetHash; deriving the plan again from that fleet and the servers
// the plan read gives exactly the plan's changes and groups (the order,
// batches and health checks apply runs); and, whatever the plan
// says, no change deletes or replaces a server that fleet.protect or
// lifecycle.prevent_destroy keeps. The error names what does not follow.
func (sp *File) Verify() error {
	fleet := sp.fleet()
	if fleet == nil {
		return fmt.Errorf("it holds no fleet to derive the plan from")
	}
	if fleet.Hash != sp.FleetHash {
		return fmt.Errorf("its fleet does not hash to the fleet_hash it records (%s, not %s)", short(fleet.Hash), short(sp.FleetHash))
	}
	if why := protectedChange(fleet, sp.Plan); why != "" {
		return fmt.Errorf("%s", why)
	}
	derived, diags := sp.derive(fleet, sp.Read)
	if diags.HasErrors() {
		return fmt.Errorf("its fleet and the servers it read do not plan: %s", firstError(diags))
	}
	if diffs := changeDifferences(sp.Plan.Changes, derived.Changes); len(diffs) > 0 {
		return fmt.Errorf("its changes do not follow from its fleet and the servers it read:\n  %s", strings.Join(diffs, "\n  "))
	}
	if !reflect.DeepEqual(sp.Plan.Groups, derived.Groups) {
		// The groups decide the order, the batches and the health checks
		// that apply runs: a command edited in would be run.
		return fmt.Errorf("its order of changes (the server blocks' depends_on and rollouts, with their health checks) does not follow from its fleet and the servers it read")
	}
	return nil
}

// derive plans again, as the plan was made, from fleet and live.
func (sp *File) derive(fleet *schema.Fleet, live []api.Server) (*engine.Plan, hcl.Diagnostics) {
	opts := engine.PlanOptions{Targets: sp.Targets}
	if sp.Destroy {
		return engine.BuildDestroyPlan(fleet, live, opts)
	}
	return engine.BuildPlan(fleet, live, opts)
}

// protectedChange says which change of p deletes or replaces a server the
// fleet protects, or "".
func protectedChange(fleet *schema.Fleet, p *engine.Plan) string {
	declared := make(map[string]*schema.DesiredServer, len(fleet.Servers))
	for i := range fleet.Servers {
		declared[fleet.Servers[i].Name] = &fleet.Servers[i]
	}
	for _, c := range p.Changes {
		if !c.Has(engine.ActionDelete) && !c.Has(engine.ActionReplace) {
			continue
		}
		names := []string{c.Name}
		if c.Before != nil {
			names = append(names, c.Before.Name)
		}
		for _, n := range names {
			if d := declared[n]; d != nil && d.Lifecycle.PreventDestroy {
				return fmt.Sprintf("it would delete %s, which lifecycle.prevent_destroy keeps", n)
			}
			if g, ok := fleet.Protect.Match(n); ok {
				return fmt.Sprintf("it would delete %s, which fleet.protect %s keeps", n, g)
			}
		}
	}
	return ""
}

// changeDifferences lists, one line per server name, how the changes of
// two plans differ: "web-02: now [create], in the plan [update]". Timed
// transitions of a live status (provisioning → active, ...) are no
// difference.
func changeDifferences(planned, now []engine.Change) []string {
	index := func(cs []engine.Change) map[string][]byte {
		m := make(map[string][]byte, len(cs))
		for _, c := range cs {
			m[c.Name] = normalized(c)
		}
		return m
	}
	was, is := index(planned), index(now)
	names := map[string]bool{}
	for n := range was {
		names[n] = true
	}
	for n := range is {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	actions := func(cs []engine.Change, name string) string {
		for _, c := range cs {
			if c.Name == name {
				words := make([]string, len(c.Actions))
				for i, a := range c.Actions {
					words[i] = string(a)
				}
				return "[" + strings.Join(words, " ") + "]"
			}
		}
		return "nothing"
	}
	var out []string
	for _, n := range sorted {
		if bytes.Equal(was[n], is[n]) {
			continue
		}
		a, b := actions(planned, n), actions(now, n)
		if a == b {
			out = append(out, fmt.Sprintf("%s: %s with other values than the plan's", n, b))
			continue
		}
		out = append(out, fmt.Sprintf("%s: now %s, in the plan %s", n, b, a))
	}
	return out
}

// normalized is a change's JSON without its reason and with the live
// statuses taken to where a timed transition ends, so that a server that only finished provisioning
// (or stopping, starting, rebooting) compares equal.
func normalized(c engine.Change) []byte {
	settle := func(st *engine.ServerState) *engine.ServerState {
		if st == nil {
			return nil
		}
		cp := *st
		switch cp.Status {
		case api.StatusProvisioning, api.StatusStarting, api.StatusRebooting:
			cp.Status = api.StatusActive
		case api.StatusStopping:
			cp.Status = api.StatusStopped
		}
		return &cp
	}
	c.Before, c.Replacement = settle(c.Before), settle(c.Replacement)
	// The reason is for people; what the change does is the rest.
	c.Reason = ""
	data, _ := json.Marshal(c)
	return data
}

// firstError is the first error diagnostic, on one line.
func firstError(diags hcl.Diagnostics) string {
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			return strings.ReplaceAll(d.Summary+": "+d.Detail, "\n", " ")
		}
	}
	return "unknown error"
}

// short is a hash cut for messages.
func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
