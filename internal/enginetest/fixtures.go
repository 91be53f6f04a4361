// Package enginetest holds the fixtures the tests of engine, engine/apply,
// engine/render and engine/planfile share: hand-built live and desired
// servers, fleets loaded from source, and a sandbox account served over
// HTTP with a real client. It imports api, api/sandbox and schema, never
// the engine packages, so that their own tests can use it.
package enginetest

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

// Time is the created_at and updated_at of every hand-built live server.
var Time = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// Live builds a live server as a detail GET returns it: plan 1, OS 5,
// us-west, active, backups off, then mods.
func Live(id int64, name string, mods ...func(*api.Server)) api.Server {
	off := false
	s := api.Server{
		ID: id, Name: name, Status: api.StatusActive, Location: "us-west",
		Plan: api.Plan{ID: 1, Name: "Standard VPS"}, OS: api.OS{ID: 5, Name: "Ubuntu 22.04 LTS"},
		BackupsEnabled: &off, CreatedAt: Time, UpdatedAt: Time,
	}
	for _, m := range mods {
		m(&s)
	}
	return s
}

// Status sets a live server's status.
func Status(st api.Status) func(*api.Server) { return func(s *api.Server) { s.Status = st } }

// Host sets a live server's hostname.
func Host(h string) func(*api.Server) { return func(s *api.Server) { s.Hostname = h } }

// PlanID sets a live server's plan.
func PlanID(id int64) func(*api.Server) { return func(s *api.Server) { s.Plan.ID = id } }

// OSID sets a live server's operating system.
func OSID(id int64) func(*api.Server) { return func(s *api.Server) { s.OS.ID = id } }

// Location sets a live server's location.
func Location(l string) func(*api.Server) { return func(s *api.Server) { s.Location = l } }

// Backups sets a live server's backups_enabled (nil: unknown, as in lists).
func Backups(b *bool) func(*api.Server) { return func(s *api.Server) { s.BackupsEnabled = b } }

// Desired builds a desired server: plan 1, OS 5, us-west, power on,
// declared at fleet.hcl:<line>, then mods.
func Desired(name string, line int, mods ...func(*schema.DesiredServer)) schema.DesiredServer {
	d := schema.DesiredServer{
		Name: name, PlanID: 1, OSID: 5, Location: "us-west", Power: schema.PowerOn,
		Range: hcl.Range{Filename: "fleet.hcl", Start: hcl.Pos{Line: line, Column: 1}, End: hcl.Pos{Line: line, Column: 10}},
	}
	for _, m := range mods {
		m(&d)
	}
	return d
}

// WantHost sets a desired hostname.
func WantHost(h string) func(*schema.DesiredServer) {
	return func(d *schema.DesiredServer) { d.Hostname = h }
}

// WantPlanID sets a desired plan.
func WantPlanID(id int64) func(*schema.DesiredServer) {
	return func(d *schema.DesiredServer) { d.PlanID = id }
}

// WantOSID sets a desired operating system.
func WantOSID(id int64) func(*schema.DesiredServer) {
	return func(d *schema.DesiredServer) { d.OSID = id }
}

// WantLocation sets a desired location.
func WantLocation(l string) func(*schema.DesiredServer) {
	return func(d *schema.DesiredServer) { d.Location = l }
}

// WantBackups sets the desired backups_enabled.
func WantBackups(b bool) func(*schema.DesiredServer) {
	return func(d *schema.DesiredServer) { d.BackupsEnabled = b }
}

// WantOff asks for power off.
func WantOff(d *schema.DesiredServer) { d.Power = schema.PowerOff }

// PreventDestroy sets lifecycle.prevent_destroy.
func PreventDestroy(d *schema.DesiredServer) { d.Lifecycle.PreventDestroy = true }

// CreateBeforeDestroy sets lifecycle.create_before_destroy.
func CreateBeforeDestroy(d *schema.DesiredServer) { d.Lifecycle.CreateBeforeDestroy = true }

// Ignoring sets lifecycle.ignore_changes.
func Ignoring(attrs ...schema.Attribute) func(*schema.DesiredServer) {
	return func(d *schema.DesiredServer) { d.Lifecycle.IgnoreChanges = attrs }
}

// SSHKey sets the desired ssh_key_id.
func SSHKey(id int64) func(*schema.DesiredServer) {
	return func(d *schema.DesiredServer) { d.SSHKeyID = &id }
}

// Move builds a moved block declared at fleet.hcl:<line>.
func Move(from, to string, line int) schema.Move {
	return schema.Move{From: from, To: to, Range: hcl.Range{Filename: "fleet.hcl", Start: hcl.Pos{Line: line, Column: 1}}}
}

// Ptr returns a pointer to a copy of v.
func Ptr[T any](v T) *T { return &v }

// LoadFleet writes src as fleet.hcl into a temporary directory and loads
// it, failing the test on any error diagnostic.
func LoadFleet(tb testing.TB, src string) *schema.Fleet {
	tb.Helper()
	dir := tb.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "fleet.hcl"), []byte(src), 0o644); err != nil {
		tb.Fatal(err)
	}
	fleet, diags := schema.Load(dir, schema.LoadOptions{})
	if diags.HasErrors() {
		tb.Fatalf("fleet does not load: %v", diags)
	}
	return fleet
}
