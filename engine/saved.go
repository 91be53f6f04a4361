package engine

import (
	"cmp"
	"net/url"
	"slices"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

// SavedPlanVersion is the version of the saved plan format this build
// writes and reads.
const SavedPlanVersion = 1

// SavedPlanFormat marks a file as a vpsfleet saved plan.
const SavedPlanFormat = "vpsfleet-plan"

// SavedPlan is a plan saved by `plan -out FILE` for a later
// `apply FILE`: the plan itself, which fleet and endpoint it was made
// from, and what it saw of every live server it depends on. It never holds
// the API token.
type SavedPlan struct {
	// Format is always SavedPlanFormat; it tells a plan file from other
	// JSON.
	Format    string    `json:"format"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	// Endpoint is the API endpoint the plan was made against, never the
	// token.
	Endpoint  string   `json:"endpoint"`
	FleetHash string   `json:"fleet_hash"`
	Owns      []string `json:"owns"`
	Plan      *Plan    `json:"plan"`
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

// NewSavedPlan wraps p for saving. Seen covers every live server whose
// name is a desired name, a moved.from, or matches fleet.owns, and every
// server a change acts on. now is the creation time (UTC is kept). Any
// user:password part of endpoint is dropped.
func NewSavedPlan(p *Plan, fleet *schema.Fleet, live []api.Server, endpoint string, now time.Time) *SavedPlan {
	sp := &SavedPlan{
		Format:    SavedPlanFormat,
		Version:   SavedPlanVersion,
		CreatedAt: now.UTC(),
		Endpoint:  withoutCredentials(endpoint),
		Plan:      p,
		Owns:      []string{},
		Seen:      []SeenServer{},
	}
	relevant := map[string]bool{}
	if fleet != nil {
		sp.FleetHash = fleet.Hash
		sp.Owns = append(sp.Owns, fleet.Owns...)
		for i := range fleet.Servers {
			relevant[fleet.Servers[i].Name] = true
		}
		for _, mv := range fleet.Moves {
			relevant[mv.From] = true
			relevant[mv.To] = true
		}
	}
	acted := map[int64]bool{}
	if p != nil {
		for _, c := range p.Changes {
			relevant[c.Name] = true
			if c.Before != nil {
				acted[c.Before.ID] = true
			}
		}
	}
	for i := range live {
		s := &live[i]
		if relevant[s.Name] || acted[s.ID] || matchesAny(sp.Owns, s.Name) {
			sp.Seen = append(sp.Seen, SeenServer{ID: s.ID, Name: s.Name, Status: s.Status, UpdatedAt: s.UpdatedAt})
		}
	}
	slices.SortFunc(sp.Seen, func(a, b SeenServer) int { return cmp.Compare(a.ID, b.ID) })
	return sp
}

// matchesAny reports whether any glob of patterns matches name.
func matchesAny(patterns []string, name string) bool {
	_, ok := firstMatch(patterns, name)
	return ok
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
