package schema

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportRoundTrip(t *testing.T) {
	servers := []ExportServer{
		{Name: "web-02", PlanID: 1, OSID: 5, Location: "us-west", Hostname: "web-2.example.com", Comment: "id 12346, active, 203.0.113.11"},
		{Name: "db-01", PlanID: 2, OSID: 3, Location: "us-east", BackupsEnabled: true, Power: PowerOff, Comment: "id 12345, stopped\nsecond line"},
		{Name: "web-01", PlanID: 1, OSID: 5, Location: "us-west", Power: PowerOn},
	}
	out, err := Export(servers)
	if err != nil {
		t.Fatal(err)
	}
	if formatted, diags := Format(out, "export.hcl"); diags.HasErrors() || string(formatted) != string(out) {
		t.Errorf("export is not formatted:\n%s", UnifiedDiff("export.hcl", out, formatted))
	}
	if strings.Contains(string(out), "fleet {") {
		t.Errorf("export declares a fleet block, which would make other servers managed")
	}
	if !strings.Contains(string(out), "# id 12345, stopped second line\n") {
		t.Errorf("comment missing or not folded onto one line:\n%s", out)
	}
	path := filepath.Join(t.TempDir(), "fleet.hcl")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	f, diags := Load(path, LoadOptions{})
	if len(diags) > 0 {
		t.Fatalf("export does not load cleanly:\n%s\n%s", diags.Error(), out)
	}
	if len(f.Servers) != len(servers) {
		t.Fatalf("loaded %d servers, want %d", len(f.Servers), len(servers))
	}
	byName := map[string]ExportServer{}
	for _, s := range servers {
		byName[s.Name] = s
	}
	for _, got := range f.Servers {
		want := byName[got.Name]
		wantPower := PowerOn
		if want.Power == PowerOff {
			wantPower = PowerOff
		}
		if got.PlanID != want.PlanID || got.OSID != want.OSID || got.Location != want.Location ||
			got.Hostname != want.Hostname || got.BackupsEnabled != want.BackupsEnabled || got.Power != wantPower {
			t.Errorf("server %s loaded as %+v, exported from %+v", got.Name, got, want)
		}
		if _, ok := got.AttrRanges["backups_enabled"]; !ok {
			t.Errorf("server %s: backups_enabled not written", got.Name)
		}
	}
	if len(f.Owns) != 0 {
		t.Errorf("owns = %v, want none", f.Owns)
	}
}

func TestExportErrors(t *testing.T) {
	ok := ExportServer{Name: "web-01", PlanID: 1, OSID: 5, Location: "us-west"}
	cases := []struct {
		name    string
		servers []ExportServer
		wantErr []string
	}{
		{"duplicate name", []ExportServer{ok, ok}, []string{`"web-01"`, "more than one"}},
		{"invalid name", []ExportServer{{Name: "web_01", PlanID: 1, OSID: 5, Location: "us-west"}}, []string{`"web_01"`, "invalid name"}},
		{"zero plan", []ExportServer{{Name: "web-01", OSID: 5, Location: "us-west"}}, []string{"positive"}},
		{"no location", []ExportServer{{Name: "web-01", PlanID: 1, OSID: 5}}, []string{"location is empty"}},
		{"every problem named", []ExportServer{{Name: "1a", PlanID: 1, OSID: 5, Location: "x"}, {Name: "2b", PlanID: 1, OSID: 5, Location: "x"}}, []string{`"1a"`, `"2b"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := Export(c.servers)
			if err == nil {
				t.Fatalf("no error; output:\n%s", out)
			}
			for _, w := range c.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestExportEmpty(t *testing.T) {
	out, err := Export(nil)
	if err != nil || len(strings.TrimSpace(string(out))) != 0 {
		t.Errorf("Export(nil) = %q, %v; want empty output", out, err)
	}
}

// TestExportOddLiveData exports servers as odd as a live account holds
// (no hostname, names and hostnames at their length limits, stopped,
// characters HCL would read as template syntax, a hostname the fleet
// language refuses) and checks that the result Loads cleanly and describes
// them exactly.
func TestExportOddLiveData(t *testing.T) {
	long := "a" + strings.Repeat("b", maxNameLen-1)
	longHost := strings.Repeat(strings.Repeat("h", 62)+".", 4)[:maxHostnameLen-4] + ".com"
	cases := []struct {
		name     string
		server   ExportServer
		wantHost string
		comment  string
	}{
		{"no hostname, stopped", ExportServer{Name: "web-01", PlanID: 1, OSID: 5, Location: "us-west", Power: PowerOff}, "", ""},
		{"name at 63 characters", ExportServer{Name: long, PlanID: 2, OSID: 3, Location: "us-east", Hostname: "x.example.com"}, "x.example.com", ""},
		{"hostname at 253 characters", ExportServer{Name: "h", PlanID: 1, OSID: 5, Location: "us-west", Hostname: longHost}, longHost, ""},
		{"template syntax in location and comment", ExportServer{Name: "t", PlanID: 1, OSID: 5, Location: "${var.x}%{if}\"\\", Comment: "id 1, */ ${x}\r\nmore"}, "", "# id 1, */ ${x} more\n"},
		{"invalid live hostname left out", ExportServer{Name: "odd", PlanID: 1, OSID: 5, Location: "us-west", Hostname: "localhost", Comment: "id 7, active"}, "",
			`# id 7, active; hostname "localhost" left out (not a valid fleet hostname), so it is not managed` + "\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.wantHost != "" && !ValidHostname(c.wantHost) {
				t.Fatalf("test hostname %q is not valid", c.wantHost)
			}
			out, err := Export([]ExportServer{c.server})
			if err != nil {
				t.Fatal(err)
			}
			if c.comment != "" && !strings.Contains(string(out), c.comment) {
				t.Errorf("comment %q missing from:\n%s", c.comment, out)
			}
			f, diags := loadSources([]source{{name: "export.hcl", src: out}}, LoadOptions{})
			if len(diags) > 0 {
				t.Fatalf("export does not load cleanly:\n%s\n%s", diags.Error(), out)
			}
			if len(f.Servers) != 1 {
				t.Fatalf("loaded %d servers", len(f.Servers))
			}
			got, want := f.Servers[0], c.server
			wantPower := PowerOn
			if want.Power == PowerOff {
				wantPower = PowerOff
			}
			if got.Name != want.Name || got.PlanID != want.PlanID || got.OSID != want.OSID || got.Location != want.Location ||
				got.Hostname != c.wantHost || got.BackupsEnabled != want.BackupsEnabled || got.Power != wantPower {
				t.Errorf("loaded %+v, exported %+v", got, want)
			}
		})
	}
}
