package planfile

import (
	"fmt"
	"strings"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
)

// CheckFresh compares the live account with what the plan saw. It returns
// nil when the account still looks as it did; otherwise an error listing
// every server that changed (name, status or updated_at), vanished, or
// appeared under a name the plan cares about (a seen name, the name of a
// change, or a fleet.owns match), and every change acting on a server the
// plan did not record as seen, one per line:
// "web-02 (id 12350): updated_at changed 10:00:00 → 10:05:12".
//
// A server that only finished a timed transition (provisioning → active,
// stopping → stopped, starting or rebooting → active) with the same
// updated_at has not changed.
func (sp *File) CheckFresh(live []api.Server) error {
	byID := make(map[int64]*api.Server, len(live))
	for i := range live {
		byID[live[i].ID] = &live[i]
	}
	names := map[string]bool{}
	seen := make(map[int64]bool, len(sp.Seen))
	var problems []string
	for _, s := range sp.Seen {
		seen[s.ID] = true
		names[s.Name] = true
		now, ok := byID[s.ID]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s (id %d): no longer in the account", s.Name, s.ID))
			continue
		}
		problems = append(problems, seenDifferences(s, now)...)
	}
	if sp.Plan != nil {
		for _, c := range sp.Plan.Changes {
			names[c.Name] = true
			// The plan may only act on servers it saw: a change whose
			// server is missing from Seen was not checked above.
			for _, st := range []*engine.ServerState{c.Before, c.Replacement} {
				if st != nil && !seen[st.ID] {
					problems = append(problems, fmt.Sprintf("%s (id %d): the plan acts on it but did not record it (the plan file is damaged or was edited)", st.Name, st.ID))
				}
			}
		}
	}
	for i := range live {
		s := &live[i]
		if !seen[s.ID] && (names[s.Name] || sp.Owns.MatchesAny(s.Name)) {
			problems = append(problems, fmt.Sprintf("%s (id %d): appeared in the account (status %s)", s.Name, s.ID, s.Status))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("the account changed since the plan was made, so it was not applied; run plan again:\n  %s",
		strings.Join(problems, "\n  "))
}

// seenDifferences describes how a seen server differs from its live self.
func seenDifferences(was SeenServer, now *api.Server) []string {
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
