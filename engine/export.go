package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

// ExportServers turns live servers into the servers `vpsfleet export`
// writes, sorted by name (then id), so that planning the exported fleet
// against the same account changes nothing: a stopped or stopping server
// is exported with power off, every other one (suspended too: its power
// is never compared) with power on; an unknown
// backups_enabled (nil) is exported as false; an empty hostname stays
// empty (unmanaged). Each carries a comment with its id, status and IPv4
// address when it has one. Duplicate names are passed through: schema.Export
// refuses them with an error naming them.
func ExportServers(live []api.Server) []schema.ExportServer {
	out := make([]schema.ExportServer, 0, len(live))
	for _, s := range sortedLive(live) {
		e := schema.ExportServer{
			Name:     s.Name,
			PlanID:   s.Plan.ID,
			OSID:     s.OS.ID,
			Location: s.Location,
			Hostname: s.Hostname,
			Power:    schema.PowerOn,
		}
		if !s.Status.PoweredOn() && s.Status != api.StatusSuspended {
			e.Power = schema.PowerOff
		}
		if s.BackupsEnabled != nil {
			e.BackupsEnabled = *s.BackupsEnabled
		}
		parts := []string{fmt.Sprintf("id %d", s.ID), string(s.Status)}
		if s.IPAddress != nil && *s.IPAddress != "" {
			parts = append(parts, *s.IPAddress)
		}
		e.Comment = strings.Join(parts, ", ")
		out = append(out, e)
	}
	return slices.Clip(out)
}
