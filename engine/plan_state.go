package engine

import (
	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

// livePower is the power a live status amounts to. Transitional statuses
// count as their destination: provisioning, starting and rebooting are
// "on", stopping is "off". A suspended server is not running, so "off";
// its power is never compared (see BuildPlan).
func livePower(s api.Status) string {
	switch s {
	case api.StatusStopped, api.StatusStopping, api.StatusSuspended:
		return string(schema.PowerOff)
	}
	return string(schema.PowerOn)
}

// desiredPower is the power a fleet asks for; unset means "on".
func desiredPower(d *schema.DesiredServer) string {
	if d.Power == schema.PowerOff {
		return string(schema.PowerOff)
	}
	return string(schema.PowerOn)
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
	if !ign("plan_id") {
		after.PlanID = d.PlanID
	}
	if !ign("os_id") {
		after.OSID = d.OSID
	}
	if !ign("location") {
		after.Location = d.Location
	}
	if d.Hostname != "" && !ign("hostname") {
		after.Hostname = d.Hostname
	}
	if s.BackupsEnabled != nil && !ign("backups_enabled") {
		after.BackupsEnabled = d.BackupsEnabled
	}
	if s.Status != api.StatusSuspended && !ign("power") {
		after.Power = desiredPower(d)
	}
	return &after
}
