package engine

import (
	"fmt"
	"strings"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

// renaming is how a live server comes to carry a desired name other than
// its own: through a moved block, or as the temporary server of an
// earlier create_before_destroy replacement.
type renaming struct {
	// why is the rename's reason: "renamed from db-old by moved block
	// (fleet.hcl:26)".
	why string
	// takes completes a replace's reason: "the new server takes the name
	// db-01 from moved block (fleet.hcl:26)".
	takes string
}

// moving is the renaming of a moved block, nil for none.
func moving(mv *schema.Move) *renaming {
	if mv == nil {
		return nil
	}
	return &renaming{
		why:   fmt.Sprintf("renamed from %s by moved block (%s)", mv.From, shortRange(mv.Range)),
		takes: fmt.Sprintf("the new server takes the name %s from moved block (%s)", mv.To, shortRange(mv.Range)),
	}
}

// finishing is the renaming of a temporary server t that finishes an
// earlier create_before_destroy replacement whose old server is gone.
func finishing(t *api.Server) *renaming {
	return &renaming{
		why:   fmt.Sprintf("renamed from %s, which finishes an earlier create_before_destroy replacement", t.Name),
		takes: fmt.Sprintf("the new server takes the name from %s, left by an earlier create_before_destroy replacement", t.Name),
	}
}

// adoptableTemp returns the first temporary server of temps that is what
// the fleet asks for of d (plan_id, os_id and location: what a replacement
// cannot change afterwards), or nil.
func adoptableTemp(d *schema.DesiredServer, temps []*api.Server) *api.Server {
	for _, t := range temps {
		if tempMismatch(d, t) == "" && t.Status != api.StatusSuspended {
			return t
		}
	}
	return nil
}

// tempMismatch says how a temporary server differs from what the fleet
// asks for of d, or "" when it does not.
func tempMismatch(d *schema.DesiredServer, t *api.Server) string {
	return CreationDifference(*t, d.PlanID, d.OSID, d.Location)
}

// CreationDifference says how the live server s differs from a server
// created with planID, osID and location, in what a server keeps from its
// creation ("plan_id 2, not 1, location "us-east", not "us-west""), or ""
// when it does not.
func CreationDifference(s api.Server, planID, osID int64, location string) string {
	var diffs []string
	if s.Plan.ID != planID {
		diffs = append(diffs, fmt.Sprintf("plan_id %d, not %d", s.Plan.ID, planID))
	}
	if s.OS.ID != osID {
		diffs = append(diffs, fmt.Sprintf("os_id %d, not %d", s.OS.ID, osID))
	}
	if s.Location != location {
		diffs = append(diffs, fmt.Sprintf("location %q, not %q", s.Location, location))
	}
	return strings.Join(diffs, ", ")
}

// dropTemps plans the deletion of every temporary server of p's desired
// server but kept: they were made by an earlier create_before_destroy
// replacement that did not finish, and nothing needs them now.
func (b *planBuilder) dropTemps(p Pair, kept *api.Server) {
	for _, t := range p.Temps {
		if t == kept {
			continue
		}
		why := "the replacement is not needed any more"
		if diff := tempMismatch(p.Desired, t); diff != "" {
			why = "it is not the server the fleet asks for now (" + diff + ")"
		} else if kept != nil {
			why = fmt.Sprintf("%s (id %d) is kept instead", kept.Name, kept.ID)
		}
		if prot := b.protection(nil, t.Name); prot != "" {
			b.fail("Deletion of a protected server", fmt.Sprintf(
				"%s (id %d) is the temporary server of an unfinished create_before_destroy replacement of %s and would be deleted (%s), but %s forbids that. Remove it from the account by hand if it really must go.",
				t.Name, t.ID, p.Desired.Name, why, prot), subject(p.Desired.Range))
			continue
		}
		b.add(Change{
			Name:    t.Name,
			Actions: []Action{ActionDelete},
			Before:  liveState(t),
			Reason:  fmt.Sprintf("temporary server of an unfinished create_before_destroy replacement of %s: %s", p.Desired.Name, why),
		}, t, p.Desired)
	}
}
