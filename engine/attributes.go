package engine

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vpsfleet/vpsfleet/schema"
)

// AttributeChange is one attribute of a change, with its values formatted
// for people (strings quoted, numbers and booleans bare). Before is "" for
// an attribute being created and After is "" for one being deleted.
type AttributeChange struct {
	Name   string
	Before string
	After  string
	// ForcesReplacement is true for the attributes the change's ForcedBy
	// names: plan_id, os_id and location when they differ on a replace.
	ForcesReplacement bool
}

// Attributes lists the attribute-level differences of the change, in a
// fixed order (name, plan_id, os_id, location, hostname, ssh_key_id,
// backups_enabled, power). For a create it lists every attribute of After
// (hostname and ssh_key_id only when set); for a delete every attribute of
// Before; otherwise only the attributes whose values differ. ssh_key_id
// appears only where After sets it and Before cannot know it.
func (c Change) Attributes() []AttributeChange {
	if c.Before == nil && c.After == nil {
		return nil
	}
	if c.Before == nil || c.After == nil {
		one, created := c.After, true
		if one == nil {
			one, created = c.Before, false
		}
		var out []AttributeChange
		for _, f := range stateFields(one) {
			if f.optional && f.value == "" {
				continue
			}
			a := AttributeChange{Name: string(f.attr), After: f.value}
			if !created {
				a = AttributeChange{Name: string(f.attr), Before: f.value}
			}
			out = append(out, a)
		}
		return out
	}
	before, after := stateFields(c.Before), stateFields(c.After)
	forced := c.forcedBy()
	out := []AttributeChange{}
	if c.Before.Name != c.After.Name {
		out = append(out, AttributeChange{Name: "name", Before: strconv.Quote(c.Before.Name), After: strconv.Quote(c.After.Name)})
	}
	for i := range before {
		b, a := before[i], after[i]
		if b.value == a.value || (b.attr == schema.AttrSSHKeyID && a.value == "") {
			continue
		}
		out = append(out, AttributeChange{
			Name: string(b.attr), Before: b.value, After: a.value,
			ForcesReplacement: slices.Contains(forced, b.attr),
		})
	}
	return out
}

// forcedBy is ForcedBy, or, for a replace made without it (by hand, or
// read from a plan file, which leaves it out), the attributes that force
// it as the planner finds them.
func (c Change) forcedBy() []schema.Attribute {
	if len(c.ForcedBy) > 0 || !c.Has(ActionReplace) || c.Before == nil || c.After == nil {
		return c.ForcedBy
	}
	return ForcingAttributes(c.Before, c.After)
}

// stateField is one attribute of a ServerState, formatted.
type stateField struct {
	attr     schema.Attribute
	value    string
	optional bool // left out of creates and deletes when unset
}

// stateFields formats the compared attributes of s in display order.
func stateFields(s *ServerState) []stateField {
	ssh := ""
	if s.SSHKeyID != nil {
		ssh = strconv.FormatInt(*s.SSHKeyID, 10)
	}
	host := ""
	if s.Hostname != "" {
		host = strconv.Quote(s.Hostname)
	}
	return []stateField{
		{attr: schema.AttrPlanID, value: strconv.FormatInt(s.PlanID, 10)},
		{attr: schema.AttrOSID, value: strconv.FormatInt(s.OSID, 10)},
		{attr: schema.AttrLocation, value: strconv.Quote(s.Location)},
		{attr: schema.AttrHostname, value: host, optional: true},
		{attr: schema.AttrSSHKeyID, value: ssh, optional: true},
		{attr: schema.AttrBackupsEnabled, value: strconv.FormatBool(s.BackupsEnabled)},
		{attr: schema.AttrPower, value: strconv.Quote(string(s.Power))},
	}
}

// sameField reports whether x and y hold the same value of attribute a,
// as stateFields would format it, without formatting: the planner asks it
// of every matched server.
func sameField(a schema.Attribute, x, y *ServerState) bool {
	switch a {
	case schema.AttrPlanID:
		return x.PlanID == y.PlanID
	case schema.AttrOSID:
		return x.OSID == y.OSID
	case schema.AttrLocation:
		return x.Location == y.Location
	case schema.AttrHostname:
		return x.Hostname == y.Hostname
	case schema.AttrSSHKeyID:
		return (x.SSHKeyID == nil) == (y.SSHKeyID == nil) && (x.SSHKeyID == nil || *x.SSHKeyID == *y.SSHKeyID)
	case schema.AttrBackupsEnabled:
		return x.BackupsEnabled == y.BackupsEnabled
	case schema.AttrPower:
		return x.Power == y.Power
	}
	for i, f := range stateFields(x) {
		if f.attr == a {
			return f.value == stateFields(y)[i].value
		}
	}
	return true
}

// forcingReason words the differences of the forcing attributes for the
// change's reason: "plan_id 1 → 2, location "us-west" → "us-east"".
func forcingReason(before, after *ServerState, forcing []schema.Attribute) string {
	bf, af := stateFields(before), stateFields(after)
	var parts []string
	for i := range bf {
		if slices.Contains(forcing, bf[i].attr) {
			parts = append(parts, fmt.Sprintf("%s %s → %s", bf[i].attr, bf[i].value, af[i].value))
		}
	}
	return strings.Join(parts, ", ")
}

// String formats the attribute change as "plan_id: 1 → 2".
func (a AttributeChange) String() string {
	return fmt.Sprintf("%s: %s → %s", a.Name, a.BeforeText(), a.AfterText())
}

// BeforeText is Before for people: "(none)" when absent.
func (a AttributeChange) BeforeText() string { return orNone(a.Before) }

// AfterText is After for people: "(none)" when absent.
func (a AttributeChange) AfterText() string { return orNone(a.After) }

// orNone shows an absent value as (none).
func orNone(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}
