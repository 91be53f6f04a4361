package engine

import (
	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

// livePower is the power a live status amounts to (api.Status.PoweredOn):
// transitional statuses count as their destination. A suspended server is
// not running, so "off"; its power is never compared (see BuildPlan).
func livePower(s api.Status) schema.Power {
	if s.PoweredOn() {
		return schema.PowerOn
	}
	return schema.PowerOff
}

// desiredPower is the power a fleet asks for; unset means "on".
func desiredPower(d *schema.DesiredServer) schema.Power {
	if d.Power == schema.PowerOff {
		return schema.PowerOff
	}
	return schema.PowerOn
}

// liveState is the before state of a live server. An unknown
// backups_enabled (nil, as in list items) reads as false.
func liveState(s *api.Server) *ServerState {
	st := &ServerState{
		ID:       s.ID,
		Name:     s.Name,
		PlanID:   s.Plan.ID,
		OSID:     s.OS.ID,
		Location: s.Location,
		Hostname: s.Hostname,
		Power:    livePower(s.Status),
		Status:   s.Status,
	}
	if s.BackupsEnabled != nil {
		st.BackupsEnabled = *s.BackupsEnabled
	}
	return st
}

// createState is the after state of a server made from scratch.
func createState(d *schema.DesiredServer) *ServerState {
	return &ServerState{
		Name:           d.Name,
		PlanID:         d.PlanID,
		OSID:           d.OSID,
		Location:       d.Location,
		Hostname:       d.Hostname,
		SSHKeyID:       d.SSHKeyID,
		BackupsEnabled: d.BackupsEnabled,
		Power:          desiredPower(d),
	}
}

// managedState is the after state of a live server kept in place: the
// desired values where the fleet manages them, the live values where it
// does not. Unmanaged are an empty desired hostname, attributes named by
// lifecycle.ignore_changes, backups_enabled the live side does not know
// (nil), and the power of a suspended server.
func managedState(d *schema.DesiredServer, s *api.Server, before *ServerState) *ServerState {
	after := *before
	after.Status = ""
	after.Name = d.Name
	ign := d.Lifecycle.Ignores
	if !ign(schema.AttrPlanID) {
		after.PlanID = d.PlanID
	}
	if !ign(schema.AttrOSID) {
		after.OSID = d.OSID
	}
	if !ign(schema.AttrLocation) {
		after.Location = d.Location
	}
	if d.Hostname != "" && !ign(schema.AttrHostname) {
		after.Hostname = d.Hostname
	}
	if s.BackupsEnabled != nil && !ign(schema.AttrBackupsEnabled) {
		after.BackupsEnabled = d.BackupsEnabled
	}
	if s.Status != api.StatusSuspended && !ign(schema.AttrPower) {
		after.Power = desiredPower(d)
	}
	return &after
}
