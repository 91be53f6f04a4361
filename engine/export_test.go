package engine

import (
	"reflect"
	"testing"

	et "github.com/vpsfleet/vpsfleet/internal/enginetest"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

func TestExportServers(t *testing.T) {
	ip := "203.0.113.10"
	live := []api.Server{
		et.Live(12346, "db", et.Status(api.StatusStopping), et.Backups(et.Ptr(true)), et.PlanID(2), et.OSID(3), et.Location("us-east")),
		et.Live(12345, "web", et.Host("web.example.com"), func(s *api.Server) { s.IPAddress = &ip }),
		et.Live(12347, "cold", et.Status(api.StatusStopped), et.Backups(nil)),
		et.Live(12348, "held", et.Status(api.StatusSuspended)),
	}
	want := []schema.ExportServer{
		{Name: "cold", PlanID: 1, OSID: 5, Location: "us-west", Power: schema.PowerOff, Comment: "id 12347, stopped"},
		{Name: "db", PlanID: 2, OSID: 3, Location: "us-east", BackupsEnabled: true, Power: schema.PowerOff, Comment: "id 12346, stopping"},
		{Name: "held", PlanID: 1, OSID: 5, Location: "us-west", Power: schema.PowerOn, Comment: "id 12348, suspended"},
		{Name: "web", PlanID: 1, OSID: 5, Location: "us-west", Hostname: "web.example.com", Power: schema.PowerOn, Comment: "id 12345, active, 203.0.113.10"},
	}
	if got := ExportServers(live); !reflect.DeepEqual(got, want) {
		t.Errorf("ExportServers =\n%+v\nwant\n%+v", got, want)
	}
	if got := ExportServers(nil); got == nil || len(got) != 0 {
		t.Errorf("ExportServers(nil) = %#v, want an empty slice", got)
	}
}
