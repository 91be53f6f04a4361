package engine

import (
	"fmt"
	"strconv"
)

// AttributeChange is one attribute of a change, with its values formatted
// for people (strings quoted, numbers and booleans bare). Before is "" for
// an attribute being created and After is "" for one being deleted.
type AttributeChange struct {
	Name   string
	Before string
	After  string
	// ForcesReplacement is true for plan_id, os_id and location when they
	// differ on a replace.
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
			a := AttributeChange{Name: f.name, After: f.value}
			if !created {
				a = AttributeChange{Name: f.name, Before: f.value}
			}
			out = append(out, a)
		}
		return out
	}
	before, after := stateFields(c.Before), stateFields(c.After)
	replace := c.Has(ActionReplace)
	out := []AttributeChange{}
	if c.Before.Name != c.After.Name {
		out = append(out, AttributeChange{Name: "name", Before: strconv.Quote(c.Before.Name), After: strconv.Quote(c.After.Name)})
	}
	for i := range before {
		b, a := before[i], after[i]
		if b.value == a.value || (b.name == "ssh_key_id" && a.value == "") {
			continue
		}
		out = append(out, AttributeChange{
			Name: b.name, Before: b.value, After: a.value,
			ForcesReplacement: replace && b.forcing,
		})
	}
	return out
}

// stateField is one attribute of a ServerState, formatted.
type stateField struct {
	name     string
	value    string
	forcing  bool // a difference forces replacement
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
		{name: "plan_id", value: strconv.FormatInt(s.PlanID, 10), forcing: true},
		{name: "os_id", value: strconv.FormatInt(s.OSID, 10), forcing: true},
		{name: "location", value: strconv.Quote(s.Location), forcing: true},
		{name: "hostname", value: host, optional: true},
		{name: "ssh_key_id", value: ssh, optional: true},
		{name: "backups_enabled", value: strconv.FormatBool(s.BackupsEnabled)},
		{name: "power", value: strconv.Quote(s.Power)},
	}
}

// String formats the attribute change as "plan_id: 1 → 2".
func (a AttributeChange) String() string {
	return fmt.Sprintf("%s: %s → %s", a.Name, orNone(a.Before), orNone(a.After))
}

// orNone shows an absent value as (none).
func orNone(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}
