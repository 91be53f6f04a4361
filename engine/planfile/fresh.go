package planfile

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
)

// StaleError says how the account moved since a plan was made: how the
// servers the plan depends on changed, and how the plan, derived again
// from the account as it is, differs.
type StaleError struct {
	// Servers has one line per server that changed, vanished or appeared:
	// "web-02 (id 12350): updated_at changed 10:00:00 → 10:05:12".
	Servers []string
	// Changes has one line per change that differs: "web-02: now
	// [create], in the plan [update]".
	Changes []string
}

// Error lists every line, after "the account changed since the plan was
// made:".
func (e *StaleError) Error() string {
	return "the account changed since the plan was made:\n  " + e.Lines()
}

// Lines is every line of e, joined by a line break and two spaces.
func (e *StaleError) Lines() string {
	return strings.Join(append(slices.Clip(e.Servers), e.Changes...), "\n  ")
}

// CheckFresh holds the account as it is now (current, read for the fleet
// as engine.ReadLive reads it) against what the plan was made from. It
// returns nil when every server a change acts on is as the plan read it
// (name, status and updated_at; a timed transition, provisioning → active
// and the like, is no change) and deriving the plan again from the fleet
// and current gives the same changes: a hand edit to a server the plan
// does not act on, that leaves the plan as it was, does not make it stale.
// Otherwise it returns a *StaleError describing every server the fleet
// concerns that changed, vanished or appeared, and every change that
// differs. Call Verify first: CheckFresh trusts the embedded fleet.
func (sp *File) CheckFresh(current []api.Server) error {
	byID := make(map[int64]*api.Server, len(current))
	for i := range current {
		byID[current[i].ID] = &current[i]
	}
	acted := sp.actedOn()
	stale := &StaleError{}
	actedChanged := false
	names := map[string]bool{}
	read := make(map[int64]bool, len(sp.Read))
	for _, was := range sp.Read {
		read[was.ID] = true
		names[was.Name] = true
		now, ok := byID[was.ID]
		var diffs []string
		if !ok {
			diffs = []string{fmt.Sprintf("%s (id %d): no longer in the account", was.Name, was.ID)}
		} else {
			diffs = serverDifferences(was, now)
		}
		stale.Servers = append(stale.Servers, diffs...)
		_, isActed := acted[was.ID]
		actedChanged = actedChanged || (isActed && len(diffs) > 0)
	}
	for _, id := range slices.Sorted(maps.Keys(acted)) {
		if !read[id] {
			// The plan may only act on servers it read: a change whose
			// server is missing from Read could not be checked.
			stale.Servers = append(stale.Servers, fmt.Sprintf("%s (id %d): the plan acts on it but did not record it (the plan file is damaged or was edited)", acted[id], id))
			actedChanged = true
		}
	}
	fleet := sp.fleet()
	managed := sp.ManagedNames()
	concerns := func(name string) bool { return names[name] || managed(name) }
	for i := range current {
		if s := &current[i]; !read[s.ID] && concerns(s.Name) {
			stale.Servers = append(stale.Servers, fmt.Sprintf("%s (id %d): appeared in the account (status %s)", s.Name, s.ID, s.Status))
		}
	}
	if fleet != nil {
		derived, diags := sp.derive(fleet, current)
		if diags.HasErrors() {
			stale.Changes = append(stale.Changes, "planning against the account as it is now fails: "+firstError(diags))
		} else {
			stale.Changes = append(stale.Changes, changeDifferences(sp.Plan.Changes, derived.Changes)...)
		}
	}
	if !actedChanged && len(stale.Changes) == 0 {
		return nil
	}
	return stale
}

// actedOn names, by id, the servers the plan's changes act on.
func (sp *File) actedOn() map[int64]string {
	acted := map[int64]string{}
	if sp.Plan == nil {
		return acted
	}
	for _, c := range sp.Plan.Changes {
		for _, st := range []*engine.ServerState{c.Before, c.Replacement} {
			if st != nil {
				acted[st.ID] = st.Name
			}
		}
	}
	return acted
}

// serverDifferences describes how a server the plan read differs from its
// live self now.
func serverDifferences(was api.Server, now *api.Server) []string {
	var out []string
	who := fmt.Sprintf("%s (id %d)", was.Name, was.ID)
	if now.Name != was.Name {
		out = append(out, fmt.Sprintf("%s: renamed to %s", who, now.Name))
	}
	if !now.UpdatedAt.Equal(was.UpdatedAt) {
		out = append(out, fmt.Sprintf("%s: updated_at changed %s", who, timeChange(was.UpdatedAt, now.UpdatedAt)))
		return out
	}
	if now.Status != was.Status && !timedTransition(was.Status, now.Status) {
		out = append(out, fmt.Sprintf("%s: status changed %s → %s", who, was.Status, now.Status))
	}
	return out
}

// timedTransition reports whether a status moving from→to is a transition
// the provider finishes on its own, which does not make a plan stale.
func timedTransition(from, to api.Status) bool {
	switch from {
	case api.StatusProvisioning, api.StatusStarting, api.StatusRebooting:
		return to == api.StatusActive
	case api.StatusStopping:
		return to == api.StatusStopped
	}
	return false
}

// timeChange formats "10:00:00 → 10:05:12", with dates when they differ.
func timeChange(a, b time.Time) string {
	a, b = a.UTC(), b.UTC()
	layout := "15:04:05"
	if a.Format(time.DateOnly) != b.Format(time.DateOnly) {
		layout = time.RFC3339
	} else if a.Truncate(time.Second).Equal(b.Truncate(time.Second)) {
		layout = "15:04:05.000000"
	}
	return a.Format(layout) + " → " + b.Format(layout)
}
