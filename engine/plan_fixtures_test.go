package engine

import (
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

// fxTime is the updated_at of every hand-built live server.
var fxTime = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// liveServer builds a live server as a detail GET returns it: plan 1,
// OS 5, us-west, active, backups off, then mods.
func fxLive(id int64, name string, mods ...func(*api.Server)) api.Server {
	off := false
	s := api.Server{
		ID: id, Name: name, Status: api.StatusActive, Location: "us-west",
		Plan: api.Plan{ID: 1, Name: "Standard VPS"}, OS: api.OS{ID: 5, Name: "Ubuntu 22.04 LTS"},
		BackupsEnabled: &off, CreatedAt: fxTime, UpdatedAt: fxTime,
	}
	for _, m := range mods {
		m(&s)
	}
	return s
}

func fxStatus(st api.Status) func(*api.Server) { return func(s *api.Server) { s.Status = st } }
func fxHost(h string) func(*api.Server)        { return func(s *api.Server) { s.Hostname = h } }
func fxPlanID(id int64) func(*api.Server)      { return func(s *api.Server) { s.Plan.ID = id } }
func fxOSID(id int64) func(*api.Server)        { return func(s *api.Server) { s.OS.ID = id } }
func fxLocation(l string) func(*api.Server)    { return func(s *api.Server) { s.Location = l } }
func fxBackups(b *bool) func(*api.Server)      { return func(s *api.Server) { s.BackupsEnabled = b } }

// desiredServer builds a desired server: plan 1, OS 5, us-west, power on,
// declared at fleet.hcl:<line>, then mods.
func fxDesired(name string, line int, mods ...func(*schema.DesiredServer)) schema.DesiredServer {
	d := schema.DesiredServer{
		Name: name, PlanID: 1, OSID: 5, Location: "us-west", Power: schema.PowerOn,
		Range: hcl.Range{Filename: "fleet.hcl", Start: hcl.Pos{Line: line, Column: 1}, End: hcl.Pos{Line: line, Column: 10}},
	}
	for _, m := range mods {
		m(&d)
	}
	return d
}

func fxWantHost(h string) func(*schema.DesiredServer) {
	return func(d *schema.DesiredServer) { d.Hostname = h }
}
func fxWantPlanID(id int64) func(*schema.DesiredServer) {
	return func(d *schema.DesiredServer) { d.PlanID = id }
}
func fxWantOSID(id int64) func(*schema.DesiredServer) {
	return func(d *schema.DesiredServer) { d.OSID = id }
}
func fxWantLocation(l string) func(*schema.DesiredServer) {
	return func(d *schema.DesiredServer) { d.Location = l }
}
func fxWantBackups(b bool) func(*schema.DesiredServer) {
	return func(d *schema.DesiredServer) { d.BackupsEnabled = b }
}
func fxWantOff(d *schema.DesiredServer)             { d.Power = schema.PowerOff }
func fxPreventDestroy(d *schema.DesiredServer)      { d.Lifecycle.PreventDestroy = true }
func fxCreateBeforeDestroy(d *schema.DesiredServer) { d.Lifecycle.CreateBeforeDestroy = true }
func fxIgnoring(attrs ...schema.Attribute) func(*schema.DesiredServer) {
	return func(d *schema.DesiredServer) { d.Lifecycle.IgnoreChanges = attrs }
}
func fxSSHKey(id int64) func(*schema.DesiredServer) {
	return func(d *schema.DesiredServer) { d.SSHKeyID = &id }
}

// move builds a moved block declared at fleet.hcl:<line>.
func fxMove(from, to string, line int) schema.Move {
	return schema.Move{From: from, To: to, Range: hcl.Range{Filename: "fleet.hcl", Start: hcl.Pos{Line: line, Column: 1}}}
}

func fxPtr[T any](v T) *T { return &v }
