// Package planfile saves a plan for a later apply ("vpsfleet plan -out
// FILE", "vpsfleet apply FILE"), reads it back, and checks that the
// account has not moved since (CheckFresh). A plan file never holds the
// API token.
package planfile

import (
	"cmp"
	"net/url"
	"slices"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/schema"
)

// Version is the version of the saved plan format this build writes and
// reads. Version 2 embeds the fleet and the live servers the plan was made
// from, so that apply can derive the plan again.
const Version = 2

// Format marks a file as a vpsfleet saved plan.
const Format = "vpsfleet-plan"

// File is a plan saved by `plan -out FILE` for a later `apply FILE`: the
// plan itself, the fleet it was made from and what it read of every live
// server it depends on (so that apply can derive it again and refuse an
// edited plan), and which endpoint it is for. It never holds the API
// token.
type File struct {
	// Format is always Format; it tells a plan file from other JSON.
	Format    string    `json:"format"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	// Endpoint is the API endpoint the plan was made against, never the
	// token.
	Endpoint  string `json:"endpoint"`
	FleetHash string `json:"fleet_hash"`
	// Destroy marks a plan of `plan -destroy`, derived with
	// engine.BuildDestroyPlan.
	Destroy bool `json:"destroy,omitempty"`
	// Targets are the -target globs the plan was made with.
	Targets schema.GlobSet `json:"targets,omitempty"`
	// Fleet is the fleet the plan was made from, as decoded (after
	// variables and expansion).
	Fleet *FleetRecord `json:"fleet"`
	// FleetFiles are the fleet files' contents by name, as they were read,
	// for the record.
	FleetFiles map[string]string `json:"fleet_files,omitempty"`
	Plan       *engine.Plan      `json:"plan"`
	// Read is what the plan read of every live server it depends on,
	// sorted by id: each one the fleet concerns and each one a change
	// acts on.
	Read []api.Server `json:"read"`

	// model is Fleet as a schema.Fleet, worked out (and hashed) once on
	// first use: Verify, CheckFresh, ManagedNames and FleetModel all
	// read it.
	model *schema.Fleet
}

// Made says how a plan was made, for New.
type Made struct {
	// Endpoint names the account; any user:password part is dropped.
	Endpoint string
	Targets  schema.GlobSet
	Destroy  bool
	// At is when the plan was made (kept in UTC).
	At time.Time
}

// New wraps p, made from fleet and live as m says, for saving. Read keeps
// every live server the fleet concerns (engine.Matching.Concerns: a
// desired name, a moved.from or moved.to, a temporary name of a
// create_before_destroy replacement, or a fleet.owns match), and every
// server a change acts on.
func New(p *engine.Plan, fleet *schema.Fleet, live []api.Server, m Made) *File {
	sp := &File{
		Format:    Format,
		Version:   Version,
		CreatedAt: m.At.UTC(),
		Endpoint:  withoutCredentials(m.Endpoint),
		Destroy:   m.Destroy,
		Targets:   m.Targets,
		Plan:      p,
		Read:      []api.Server{},
	}
	concerns := func(string) bool { return false }
	if fleet != nil {
		sp.FleetHash = fleet.Hash
		sp.Fleet = recordFleet(fleet)
		sp.FleetFiles = fleetFiles(fleet)
		concerns = engine.Match(fleet, live, nil).Concerns
	}
	names, acted := map[string]bool{}, map[int64]bool{}
	if p != nil {
		for _, c := range p.Changes {
			names[c.Name] = true
			if c.Before != nil {
				acted[c.Before.ID] = true
			}
			if c.Replacement != nil {
				acted[c.Replacement.ID] = true
			}
		}
	}
	for i := range live {
		s := live[i]
		if names[s.Name] || acted[s.ID] || concerns(s.Name) {
			sp.Read = append(sp.Read, s)
		}
	}
	slices.SortFunc(sp.Read, func(a, b api.Server) int { return cmp.Compare(a.ID, b.ID) })
	return sp
}

// fleetFiles returns the source of every fleet file by name.
func fleetFiles(fleet *schema.Fleet) map[string]string {
	if len(fleet.Files) == 0 {
		return nil
	}
	out := make(map[string]string, len(fleet.Files))
	for name, f := range fleet.Files {
		if f != nil {
			out[name] = string(f.Bytes)
		}
	}
	return out
}

// KnownIDs lists the ids of every server the plan read.
func (sp *File) KnownIDs() []int64 {
	ids := make([]int64, len(sp.Read))
	for i, s := range sp.Read {
		ids[i] = s.ID
	}
	return ids
}

// ManagedNames returns what reports whether a name is one the plan's
// fleet manages (see engine.Matching.Concerns) or the name of one of its
// changes, worked out once.
func (sp *File) ManagedNames() func(name string) bool {
	concerns := func(string) bool { return false }
	if f := sp.fleet(); f != nil {
		concerns = engine.Match(f, nil, nil).Concerns
	}
	changed := map[string]bool{}
	if sp.Plan != nil {
		for _, c := range sp.Plan.Changes {
			changed[c.Name] = true
		}
	}
	return func(name string) bool { return changed[name] || concerns(name) }
}

// FleetModel is the fleet the plan was made from, as a schema.Fleet
// (without its parsed files), or nil when the file holds none.
func (sp *File) FleetModel() *schema.Fleet { return sp.fleet() }

// fleet is the embedded fleet as a schema.Fleet, or nil. It is worked out
// once: Fleet must not change after the first call.
func (sp *File) fleet() *schema.Fleet {
	if sp.Fleet == nil {
		return nil
	}
	if sp.model == nil {
		sp.model = sp.Fleet.fleet()
	}
	return sp.model
}

// withoutCredentials drops the userinfo of an endpoint URL, so that no
// secret reaches a plan file.
func withoutCredentials(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil || u.User == nil {
		return endpoint
	}
	u.User = nil
	return u.String()
}
