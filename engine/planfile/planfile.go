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
// reads.
const Version = 1

// Format marks a file as a vpsfleet saved plan.
const Format = "vpsfleet-plan"

// File is a plan saved by `plan -out FILE` for a later `apply FILE`: the
// plan itself, which fleet and endpoint it was made from, and what it saw
// of every live server it depends on. It never holds the API token.
type File struct {
	// Format is always Format; it tells a plan file from other JSON.
	Format    string    `json:"format"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	// Endpoint is the API endpoint the plan was made against, never the
	// token.
	Endpoint  string         `json:"endpoint"`
	FleetHash string         `json:"fleet_hash"`
	Owns      schema.GlobSet `json:"owns"`
	Plan      *engine.Plan   `json:"plan"`
	// Destroy marks a plan made by "plan -destroy" (engine.BuildDestroyPlan).
	Destroy bool `json:"destroy,omitempty"`
	// Seen is every live server the plan depends on, sorted by id.
	Seen []SeenServer `json:"seen"`
}

// SeenServer is what a saved plan saw of one live server.
type SeenServer struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Status    api.Status `json:"status"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// New wraps p for saving. Seen covers every live server the fleet
// concerns (engine.Matching.Concerns: a desired name, a moved.from or
// moved.to, or a fleet.owns match), and every server a change acts on. now
// is the creation time (UTC is kept). Any user:password part of endpoint
// is dropped.
func New(p *engine.Plan, fleet *schema.Fleet, live []api.Server, endpoint string, now time.Time) *File {
	sp := &File{
		Format:    Format,
		Version:   Version,
		CreatedAt: now.UTC(),
		Endpoint:  withoutCredentials(endpoint),
		Plan:      p,
		Owns:      schema.GlobSet{},
		Seen:      []SeenServer{},
	}
	concerns := func(string) bool { return false }
	if fleet != nil {
		sp.FleetHash = fleet.Hash
		sp.Owns = append(sp.Owns, fleet.Owns...)
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
		s := &live[i]
		if names[s.Name] || acted[s.ID] || concerns(s.Name) {
			sp.Seen = append(sp.Seen, SeenServer{ID: s.ID, Name: s.Name, Status: s.Status, UpdatedAt: s.UpdatedAt})
		}
	}
	slices.SortFunc(sp.Seen, func(a, b SeenServer) int { return cmp.Compare(a.ID, b.ID) })
	return sp
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

// KnownIDs lists the ids of every server the plan saw.
func (sp *File) KnownIDs() []int64 {
	ids := make([]int64, len(sp.Seen))
	for i, s := range sp.Seen {
		ids[i] = s.ID
	}
	return ids
}

// Manages reports whether name is one the plan's fleet manages: the name of
// a change or of a server it saw, or a fleet.owns match.
func (sp *File) Manages(name string) bool {
	if sp.Owns.MatchesAny(name) {
		return true
	}
	for _, s := range sp.Seen {
		if s.Name == name {
			return true
		}
	}
	if sp.Plan != nil {
		for _, c := range sp.Plan.Changes {
			if c.Name == name {
				return true
			}
		}
	}
	return false
}
