package planfile

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	et "github.com/vpsfleet/vpsfleet/internal/enginetest"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

// savedFixture is a fleet, the live account it was planned against, and
// the saved plan.
func savedFixture(t *testing.T) (*schema.Fleet, []api.Server, *File) {
	t.Helper()
	fleet := &schema.Fleet{
		Owns:    []string{"web-*"},
		Servers: []schema.DesiredServer{et.Desired("web-01", 1, et.WantBackups(true)), et.Desired("web-02", 2), et.Desired("db-01", 3)},
		Moves:   []schema.Move{et.Move("db-old", "db-01", 9)},
	}
	live := []api.Server{
		et.Live(14, "web-09"), et.Live(10, "web-01"), et.Live(11, "mail"), et.Live(12, "db-old"),
		et.Live(13, "web-02", et.Status(api.StatusProvisioning)),
	}
	p, diags := engine.BuildPlan(fleet, live, engine.PlanOptions{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	fleet.Hash = schema.HashFleet(fleet)
	return fleet, live, New(p, fleet, live, Made{Endpoint: "https://admin.vps.org", At: time.Date(2026, 11, 26, 11, 0, 0, 0, time.FixedZone("X", 3600))})
}

func TestNewSavedPlan(t *testing.T) {
	_, _, sp := savedFixture(t)
	var seen []string
	for _, s := range sp.Read {
		seen = append(seen, s.Name)
	}
	if want := []string{"web-01", "db-old", "web-02", "web-09"}; !reflect.DeepEqual(seen, want) {
		t.Errorf("read = %q, want %q (sorted by id, mail left out)", seen, want)
	}
	if sp.Version != 2 || sp.Format != Format || sp.FleetHash == "" || sp.Fleet == nil || sp.Endpoint != "https://admin.vps.org" {
		t.Errorf("header = %+v", sp)
	}
	if sp.CreatedAt.Location() != time.UTC || sp.CreatedAt.Hour() != 10 {
		t.Errorf("created_at = %v, want UTC", sp.CreatedAt)
	}
}

func TestSavedPlanRoundTrip(t *testing.T) {
	_, _, sp := savedFixture(t)
	path := filepath.Join(t.TempDir(), "tfplan")
	if err := Write(path, sp); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", info.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, sp) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, sp)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(strings.ToLower(string(data)), "token") {
		t.Errorf("plan file mentions a token:\n%s", data)
	}
}

func TestReadSavedPlanRefusals(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, content, want string
	}{
		{"not json", "fleet { }", "is not a vpsfleet plan file"},
		{"other json", `{"format_version": "1", "changes": []}`, "is not a vpsfleet plan file"},
		{"another version", `{"format": "vpsfleet-plan", "version": 1}`, "is a plan file of format version 1, but this vpsfleet reads version 2"},
		{"no plan", `{"format": "vpsfleet-plan", "version": 2}`, "is a damaged vpsfleet plan file (it holds no plan)"},
		{"no fleet", `{"format": "vpsfleet-plan", "version": 2, "plan": {"changes": []}}`, "is a damaged vpsfleet plan file (it holds no fleet)"},
		{"damaged", `{"format": "vpsfleet-plan", "version": 2, "plan": 3}`, "is a damaged vpsfleet plan file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Read(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("err = %v, want it to name the file and say %q", err, tt.want)
			}
		})
	}
	if _, err := Read(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file: no error")
	}
	if err := Write(filepath.Join(dir, "x"), nil); err == nil {
		t.Error("nil plan written")
	}
	if err := Write(filepath.Join(dir, "no-such-dir", "x"), &File{Plan: engine.NewPlan()}); err == nil {
		t.Error("write into a missing directory: no error")
	}
}

func TestCheckFresh(t *testing.T) {
	later := et.Time.Add(5*time.Minute + 12*time.Second)
	tests := []struct {
		name string
		edit func([]api.Server) []api.Server
		want []string // lines of the error; none = fresh
	}{
		{"unchanged", func(l []api.Server) []api.Server { return l }, nil},
		{"timed transition only", func(l []api.Server) []api.Server {
			l[4].Status = api.StatusActive
			return l
		}, nil},
		{"unrelated server changed", func(l []api.Server) []api.Server {
			l[2].UpdatedAt, l[2].Status = later, api.StatusStopped
			return append(l, et.Live(99, "other"))
		}, nil},
		{"everything at once", func(l []api.Server) []api.Server {
			l[1].UpdatedAt = later
			l[3].Name = "db-renamed"
			l[0].Status = api.StatusStopping
			l = append(l[:4], et.Live(20, "web-01"), et.Live(21, "web-77"), et.Live(22, "db-01"))
			return l
		}, []string{
			"web-01 (id 10): updated_at changed 10:00:00 → 10:05:12",
			"db-old (id 12): renamed to db-renamed",
			"web-02 (id 13): no longer in the account",
			"web-09 (id 14): status changed active → stopping",
			"web-01 (id 20): appeared in the account (status active)",
			"web-77 (id 21): appeared in the account (status active)",
			"db-01 (id 22): appeared in the account (status active)",
			"planning against the account as it is now fails: Two live servers share one name: The account holds 2 servers named web-01 (ids 10, 20) and the fleet declares one. The plan refuses to guess which one is meant: delete or rename the extra ones in the account, then plan again.",
		}},
		{"a hand edit to a server the plan does not change", func(l []api.Server) []api.Server {
			// web-02 is provisioning and needs nothing: someone edits it
			// (its updated_at moves) without making it need anything.
			l[4].UpdatedAt = later
			return l
		}, nil},
		{"a hand edit that changes the plan", func(l []api.Server) []api.Server {
			l[4].UpdatedAt, l[4].Plan.ID = later, 2
			return l
		}, []string{
			"web-02 (id 13): updated_at changed 10:00:00 → 10:05:12",
			"web-02: now [replace], in the plan nothing",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, live, sp := savedFixture(t)
			err := sp.CheckFresh(tt.edit(cloneLive(live)))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("CheckFresh = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatal("CheckFresh = nil, want the changes listed")
			}
			lines := strings.Split(err.Error(), "\n  ")
			if !strings.HasPrefix(lines[0], "the account changed since the plan was made") {
				t.Errorf("first line = %q", lines[0])
			}
			if !reflect.DeepEqual(lines[1:], tt.want) {
				t.Errorf("lines =\n%s\nwant\n%s", strings.Join(lines[1:], "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// cloneLive copies a live list so a test case may edit it.
func cloneLive(l []api.Server) []api.Server { return append([]api.Server(nil), l...) }

func TestTimeChange(t *testing.T) {
	at := func(d, h, m, s, ns int) time.Time { return time.Date(2026, 11, d, h, m, s, ns, time.UTC) }
	tests := []struct {
		a, b time.Time
		want string
	}{
		{at(26, 10, 0, 0, 0), at(26, 10, 5, 12, 0), "10:00:00 → 10:05:12"},
		{at(26, 23, 59, 0, 0), at(27, 0, 1, 0, 0), "2026-11-26T23:59:00Z → 2026-11-27T00:01:00Z"},
		{at(26, 10, 0, 0, 1000), at(26, 10, 0, 0, 2000), "10:00:00.000001 → 10:00:00.000002"},
	}
	for _, tt := range tests {
		if got := timeChange(tt.a, tt.b); got != tt.want {
			t.Errorf("timeChange(%v, %v) = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSavedPlanDropsEndpointCredentials(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://admin.vps.org", "https://admin.vps.org"},
		{"https://me:s3cret@admin.vps.org/x", "https://admin.vps.org/x"},
		{"sandbox", "sandbox"},
		{"sandbox:/tmp/state.json", "sandbox:/tmp/state.json"},
	}
	for _, tt := range tests {
		if got := New(engine.NewPlan(), nil, nil, Made{Endpoint: tt.in, At: et.Time}).Endpoint; got != tt.want {
			t.Errorf("endpoint %q saved as %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckFreshRefusesServersThePlanDidNotSee(t *testing.T) {
	// No owns: only the names of the plan protect it. A server created
	// after the plan under a name the plan creates would become a
	// duplicate if the plan ran.
	fleet := &schema.Fleet{Servers: []schema.DesiredServer{et.Desired("app-01", 1), et.Desired("app-02", 2)}}
	live := []api.Server{et.Live(10, "app-02"), et.Live(11, "other")}
	p, diags := engine.BuildPlan(fleet, live, engine.PlanOptions{})
	if diags.HasErrors() || len(p.Changes) != 1 || !p.Changes[0].Has(engine.ActionCreate) {
		t.Fatalf("plan = %+v (%v), want one create", p.Changes, diags)
	}
	sp := New(p, fleet, live, Made{Endpoint: "sandbox", At: et.Time})
	tests := []struct {
		name string
		live []api.Server
		want string // "" = fresh
	}{
		{"unchanged", live, ""},
		{"an unmanaged server appeared", append(cloneLive(live), et.Live(12, "else")), ""},
		{"the created name appeared", append(cloneLive(live), et.Live(12, "app-01")), "app-01 (id 12): appeared in the account"},
		{"a second server of a seen name", append(cloneLive(live), et.Live(12, "app-02")), "app-02 (id 12): appeared in the account"},
		{"an unseen server renamed to the created name", []api.Server{et.Live(10, "app-02"), et.Live(11, "app-01")}, "app-01 (id 11): appeared in the account"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := sp.CheckFresh(tt.live)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("CheckFresh = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("CheckFresh = %v, want it to say %q", err, tt.want)
			}
		})
	}
}

func TestCheckFreshRefusesChangesOnUnrecordedServers(t *testing.T) {
	_, live, sp := savedFixture(t)
	// Drop what the plan saw of the server it deletes (web-09, id 14).
	var kept []api.Server
	for _, s := range sp.Read {
		if s.ID != 14 {
			kept = append(kept, s)
		}
	}
	sp.Read = kept
	err := sp.CheckFresh(live)
	if want := "web-09 (id 14): the plan acts on it but did not record it"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("CheckFresh = %v, want it to say %q", err, want)
	}
}
