package planfile

import (
	"github.com/hashicorp/hcl/v2"

	"github.com/vpsfleet/vpsfleet/schema"
)

// FleetRecord is a schema.Fleet as a plan file keeps it: everything that
// plans derive from (and the fleet hash covers), with the source places
// reasons quote; not the parsed files.
type FleetRecord struct {
	Owns    schema.GlobSet `json:"owns"`
	Protect schema.GlobSet `json:"protect"`
	Servers []ServerRecord `json:"servers"`
	Moves   []MoveRecord   `json:"moves"`
}

// ServerRecord is a schema.DesiredServer in a plan file.
type ServerRecord struct {
	Name           string           `json:"name"`
	Group          string           `json:"group,omitempty"`
	PlanID         int64            `json:"plan_id"`
	OSID           int64            `json:"os_id"`
	Location       string           `json:"location"`
	Hostname       string           `json:"hostname,omitempty"`
	SSHKeyID       *int64           `json:"ssh_key_id,omitempty"`
	BackupsEnabled bool             `json:"backups_enabled"`
	Power          schema.Power     `json:"power,omitempty"`
	Lifecycle      LifecycleRecord  `json:"lifecycle"`
	DeclaredAt     Place            `json:"declared_at"`
	Attributes     map[string]Place `json:"attributes,omitempty"`
}

// LifecycleRecord is a schema.Lifecycle in a plan file.
type LifecycleRecord struct {
	PreventDestroy      bool               `json:"prevent_destroy,omitempty"`
	CreateBeforeDestroy bool               `json:"create_before_destroy,omitempty"`
	IgnoreChanges       []schema.Attribute `json:"ignore_changes,omitempty"`
}

// MoveRecord is a schema.Move in a plan file.
type MoveRecord struct {
	From       string `json:"from"`
	To         string `json:"to"`
	DeclaredAt Place  `json:"declared_at"`
}

// Place is a source range: file, and start and end line:column.
type Place struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
}

func place(r hcl.Range) Place {
	return Place{File: r.Filename, Line: r.Start.Line, Column: r.Start.Column, EndLine: r.End.Line, EndColumn: r.End.Column}
}

func (p Place) rng() hcl.Range {
	return hcl.Range{Filename: p.File, Start: hcl.Pos{Line: p.Line, Column: p.Column}, End: hcl.Pos{Line: p.EndLine, Column: p.EndColumn}}
}

// recordFleet keeps f for a plan file.
func recordFleet(f *schema.Fleet) *FleetRecord {
	r := &FleetRecord{Owns: f.Owns, Protect: f.Protect, Servers: make([]ServerRecord, len(f.Servers)), Moves: make([]MoveRecord, len(f.Moves))}
	for i, s := range f.Servers {
		sr := ServerRecord{
			Name: s.Name, Group: s.Group, PlanID: s.PlanID, OSID: s.OSID, Location: s.Location,
			Hostname: s.Hostname, SSHKeyID: s.SSHKeyID, BackupsEnabled: s.BackupsEnabled, Power: s.Power,
			Lifecycle: LifecycleRecord{
				PreventDestroy:      s.Lifecycle.PreventDestroy,
				CreateBeforeDestroy: s.Lifecycle.CreateBeforeDestroy,
				IgnoreChanges:       s.Lifecycle.IgnoreChanges,
			},
			DeclaredAt: place(s.Range),
		}
		for a, rng := range s.AttrRanges {
			if sr.Attributes == nil {
				sr.Attributes = make(map[string]Place, len(s.AttrRanges))
			}
			sr.Attributes[string(a)] = place(rng)
		}
		r.Servers[i] = sr
	}
	for i, m := range f.Moves {
		r.Moves[i] = MoveRecord{From: m.From, To: m.To, DeclaredAt: place(m.Range)}
	}
	return r
}

// fleet is the schema.Fleet r keeps, with its Hash computed anew (so that
// it can be held against the hash the plan recorded) and no Files.
func (r *FleetRecord) fleet() *schema.Fleet {
	f := &schema.Fleet{Owns: r.Owns, Protect: r.Protect, Servers: make([]schema.DesiredServer, len(r.Servers)), Moves: make([]schema.Move, len(r.Moves))}
	for i, s := range r.Servers {
		d := schema.DesiredServer{
			Name: s.Name, Group: s.Group, PlanID: s.PlanID, OSID: s.OSID, Location: s.Location,
			Hostname: s.Hostname, SSHKeyID: s.SSHKeyID, BackupsEnabled: s.BackupsEnabled, Power: s.Power,
			Lifecycle: schema.Lifecycle{
				PreventDestroy:      s.Lifecycle.PreventDestroy,
				CreateBeforeDestroy: s.Lifecycle.CreateBeforeDestroy,
				IgnoreChanges:       s.Lifecycle.IgnoreChanges,
			},
			Range: s.DeclaredAt.rng(),
		}
		for a, p := range s.Attributes {
			if d.AttrRanges == nil {
				d.AttrRanges = make(map[schema.Attribute]hcl.Range, len(s.Attributes))
			}
			d.AttrRanges[schema.Attribute(a)] = p.rng()
		}
		f.Servers[i] = d
	}
	for i, m := range r.Moves {
		f.Moves[i] = schema.Move{From: m.From, To: m.To, Range: m.DeclaredAt.rng()}
	}
	f.Hash = schema.HashFleet(f)
	return f
}
