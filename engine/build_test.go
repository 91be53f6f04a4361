package engine

import (
	"slices"
	"strings"
	"testing"

	et "github.com/vpsfleet/vpsfleet/internal/enginetest"

	"github.com/hashicorp/hcl/v2"
	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

// fxChange is the expected shape of one planned change.
type fxChange struct {
	name    string
	actions []Action
	reason  string
}

func TestBuildPlan(t *testing.T) {
	tests := []struct {
		name      string
		fleet     schema.Fleet
		live      []api.Server
		targets   []string
		want      []fxChange
		errors    []string // summaries of error diagnostics
		warnings  []string // substrings of Plan.Warnings, in order
		unmanaged int
	}{
		{
			name:  "create",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1)}},
			want:  []fxChange{{"web-01", []Action{ActionCreate}, "not in the account"}},
		},
		{
			name:  "create with power off",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1, et.WantOff)}},
			want: []fxChange{{"web-01", []Action{ActionCreate, ActionStop},
				"not in the account; power off requested, so it is stopped once created"}},
		},
		{
			name:  "no change",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1, et.WantHost("w.example.com"))}},
			live:  []api.Server{et.Live(1, "web-01", et.Host("w.example.com"))},
		},
		{
			name:  "update hostname",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1, et.WantHost("new.example.com"))}},
			live:  []api.Server{et.Live(1, "web-01", et.Host("old.example.com"))},
			want:  []fxChange{{"web-01", []Action{ActionUpdate}, `hostname "old.example.com" → "new.example.com"`}},
		},
		{
			name:  "update backups and hostname",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1, et.WantHost("a.example.com"), et.WantBackups(true))}},
			live:  []api.Server{et.Live(1, "web-01")},
			want: []fxChange{{"web-01", []Action{ActionUpdate},
				`hostname "" → "a.example.com", backups_enabled false → true`}},
		},
		{
			name:  "unset hostname is unmanaged",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1)}},
			live:  []api.Server{et.Live(1, "web-01", et.Host("kept.example.com"))},
		},
		{
			name:  "unknown live backups are not compared",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1, et.WantBackups(true))}},
			live:  []api.Server{et.Live(1, "web-01", et.Backups(nil))},
		},
		{
			name:  "ssh_key_id is never diffed",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1, et.SSHKey(7))}},
			live:  []api.Server{et.Live(1, "web-01")},
		},
		{
			name:  "replace on plan_id",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1, et.WantPlanID(2))}},
			live:  []api.Server{et.Live(1, "web-01")},
			want:  []fxChange{{"web-01", []Action{ActionReplace}, "plan_id 1 → 2 forces replacement"}},
		},
		{
			name:  "replace on os_id and location, with other updates folded in",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1, et.WantOSID(3), et.WantLocation("us-east"), et.WantHost("h.example.com"))}},
			live:  []api.Server{et.Live(1, "web-01")},
			want: []fxChange{{"web-01", []Action{ActionReplace},
				`os_id 5 → 3, location "us-west" → "us-east" forces replacement`}},
		},
		{
			name:  "replace of a stopped server that stays off",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1, et.WantPlanID(2), et.WantOff)}},
			live:  []api.Server{et.Live(1, "web-01", et.Status(api.StatusStopped))},
			want: []fxChange{{"web-01", []Action{ActionReplace, ActionStop},
				"plan_id 1 → 2 forces replacement; power off requested, so the new server is stopped once created"}},
		},
		{
			name:   "replace refused by prevent_destroy",
			fleet:  schema.Fleet{Servers: []schema.DesiredServer{et.Desired("db-01", 1, et.WantPlanID(2), et.PreventDestroy)}},
			live:   []api.Server{et.Live(1, "db-01")},
			errors: []string{"Replacement of a protected server"},
		},
		{
			name:   "replace refused by protect",
			fleet:  schema.Fleet{Protect: []string{"db-*"}, Servers: []schema.DesiredServer{et.Desired("db-01", 1, et.WantLocation("us-east"))}},
			live:   []api.Server{et.Live(1, "db-01")},
			errors: []string{"Replacement of a protected server"},
		},
		{
			name:  "delete owned undeclared, count unmanaged",
			fleet: schema.Fleet{Owns: []string{"web-*"}},
			live:  []api.Server{et.Live(1, "web-09"), et.Live(2, "mail"), et.Live(3, "db-01")},
			want: []fxChange{{"web-09", []Action{ActionDelete},
				"not in the fleet, matched by owns web-*"}},
			unmanaged: 2,
		},
		{
			name:      "delete refused by protect",
			fleet:     schema.Fleet{Owns: []string{"*"}, Protect: []string{"db-*"}},
			live:      []api.Server{et.Live(1, "db-01")},
			errors:    []string{"Deletion of a protected server"},
			unmanaged: 0,
		},
		{
			name: "rename through moved",
			fleet: schema.Fleet{Owns: []string{"db-*"}, Servers: []schema.DesiredServer{et.Desired("db-01", 3)},
				Moves: []schema.Move{et.Move("db-old", "db-01", 12)}},
			live: []api.Server{et.Live(1, "db-old")},
			want: []fxChange{{"db-01", []Action{ActionRename},
				"renamed from db-old by moved block (fleet.hcl:12)"}},
		},
		{
			name: "rename and update",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{et.Desired("db-01", 3, et.WantBackups(true))},
				Moves: []schema.Move{et.Move("db-old", "db-01", 12)}},
			live: []api.Server{et.Live(1, "db-old")},
			want: []fxChange{{"db-01", []Action{ActionRename, ActionUpdate},
				"renamed from db-old by moved block (fleet.hcl:12); backups_enabled false → true"}},
		},
		{
			name: "rename and replace creates under the new name",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{et.Desired("db-01", 3, et.WantPlanID(2))},
				Moves: []schema.Move{et.Move("db-old", "db-01", 12)}},
			live: []api.Server{et.Live(1, "db-old")},
			want: []fxChange{{"db-01", []Action{ActionReplace},
				"plan_id 1 → 2 forces replacement; the new server takes the name db-01 from moved block (fleet.hcl:12)"}},
		},
		{
			name: "moved ignored when both live",
			fleet: schema.Fleet{Owns: []string{"db-*"}, Servers: []schema.DesiredServer{et.Desired("db-01", 3)},
				Moves: []schema.Move{et.Move("db-old", "db-01", 12)}},
			live:     []api.Server{et.Live(1, "db-old"), et.Live(2, "db-01")},
			want:     []fxChange{{"db-old", []Action{ActionDelete}, "not in the fleet, matched by owns db-*"}},
			warnings: []string{"moved block db-old → db-01 (fleet.hcl:12) ignored: both db-old and db-01 are in the account"},
		},
		{
			name:  "moved to a name that is created when from is gone",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{et.Desired("db-01", 3)}, Moves: []schema.Move{et.Move("db-old", "db-01", 12)}},
			want:  []fxChange{{"db-01", []Action{ActionCreate}, "not in the account"}},
		},
		{
			name:  "start",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1)}},
			live:  []api.Server{et.Live(1, "web-01", et.Status(api.StatusStopped))},
			want:  []fxChange{{"web-01", []Action{ActionStart}, "power on requested, server is stopped"}},
		},
		{
			name:  "stop",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1, et.WantOff)}},
			live:  []api.Server{et.Live(1, "web-01")},
			want:  []fxChange{{"web-01", []Action{ActionStop}, "power off requested, server is active"}},
		},
		{
			name:  "update and stop",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1, et.WantOff, et.WantHost("a.example.com"))}},
			live:  []api.Server{et.Live(1, "web-01", et.Host("b.example.com"))},
			want: []fxChange{{"web-01", []Action{ActionUpdate, ActionStop},
				`hostname "b.example.com" → "a.example.com"; power off requested, server is active`}},
		},
		{
			name: "transitional statuses count as their destination",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{
				et.Desired("a", 1), et.Desired("b", 2), et.Desired("c", 3, et.WantOff), et.Desired("d", 4, et.WantOff),
				et.Desired("e", 5),
			}},
			live: []api.Server{
				et.Live(1, "a", et.Status(api.StatusProvisioning)), et.Live(2, "b", et.Status(api.StatusRebooting)),
				et.Live(3, "c", et.Status(api.StatusStopping)), et.Live(4, "d", et.Status(api.StatusStarting)),
				et.Live(5, "e", et.Status(api.StatusStopping)),
			},
			want: []fxChange{
				{"d", []Action{ActionStop}, "power off requested, server is starting"},
				{"e", []Action{ActionStart}, "power on requested, server is stopping"},
			},
		},
		{
			name: "ignore_changes keeps live values",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1,
				et.WantHost("a.example.com"), et.WantPlanID(2), et.WantOff, et.WantBackups(true),
				et.Ignoring("hostname", "plan_id", "power", "backups_enabled"))}},
			live: []api.Server{et.Live(1, "web-01", et.Host("b.example.com"))},
		},
		{
			name:     "suspended server needing a change keeps it, with a warning",
			fleet:    schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1, et.WantBackups(true))}},
			live:     []api.Server{et.Live(1, "web-01", et.Status(api.StatusSuspended))},
			want:     []fxChange{{"web-01", []Action{ActionUpdate}, "backups_enabled false → true"}},
			warnings: []string{"web-01 (id 1) is suspended: the provider accepts no action on it, so apply will fail its update"},
		},
		{
			name:  "suspended server needing nothing: no change, no warning",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1)}},
			live:  []api.Server{et.Live(1, "web-01", et.Status(api.StatusSuspended))},
		},
		{
			name:   "two live servers for one desired name",
			fleet:  schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1, et.WantBackups(true)), et.Desired("web-02", 2)}},
			live:   []api.Server{et.Live(7, "web-01"), et.Live(3, "web-01")},
			errors: []string{"Two live servers share one name"},
			want:   []fxChange{{"web-02", []Action{ActionCreate}, "not in the account"}},
		},
		{
			name: "targets limit the plan",
			fleet: schema.Fleet{Owns: []string{"web-*"}, Servers: []schema.DesiredServer{
				et.Desired("web-01", 1), et.Desired("web-02", 2), et.Desired("db-01", 3)}},
			live:    []api.Server{et.Live(1, "web-09")},
			targets: []string{"web-0[12]"},
			want: []fxChange{
				{"web-01", []Action{ActionCreate}, "not in the account"},
				{"web-02", []Action{ActionCreate}, "not in the account"},
			},
			warnings: []string{`Targeting is in effect: only the servers that -target "web-0[12]" selects`},
		},
		{
			// Changes are pending (web-01 is to be created), but the
			// target selects none of them: it must say so, not read as
			// "no changes".
			name:    "a target that matches nothing",
			fleet:   schema.Fleet{Servers: []schema.DesiredServer{et.Desired("web-01", 1), et.Desired("web-02", 2, et.WantPlanID(2))}},
			live:    []api.Server{et.Live(1, "web-02")},
			targets: []string{"nope-*", "web-02"},
			want:    []fxChange{{"web-02", []Action{ActionReplace}, "plan_id 1 → 2 forces replacement"}},
			warnings: []string{`Targeting is in effect: only the servers that -target "nope-*" or -target "web-02" selects`,
				`-target "nope-*" matches nothing: no server block (name or label), moved block or server in the account has that name`},
		},
		{
			// No state file: a server named like a declared one whose
			// block is gone, with no owns pattern, is left running, and
			// the plan says so instead of a bare "No changes".
			name:      "a removed block that no owns covers",
			fleet:     schema.Fleet{Servers: []schema.DesiredServer{et.Desired("db-01", 4)}},
			live:      []api.Server{et.Live(1, "db-01"), et.Live(2, "db-02"), et.Live(3, "db-server-01"), et.Live(4, "mail")},
			warnings:  []string{`db-02 is no longer declared and no owns pattern covers it: it will be left running (id 2; named like db-01, which the fleet declares at fleet.hcl:4). To delete it, add "db-02" to fleet.owns or run vpsfleet server delete 2`},
			unmanaged: 3,
		},
		{
			name: "a smaller count leaves a server named like its group",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{
				et.Desired("web-01", 1, inGroup("web")), et.Desired("web-02", 1, inGroup("web"))}},
			live:      []api.Server{et.Live(1, "web-01"), et.Live(2, "web-02"), et.Live(3, "web-3"), et.Live(4, "web-server-01")},
			warnings:  []string{`web-3 is no longer declared and no owns pattern covers it: it will be left running (id 3; named like web-01`},
			unmanaged: 2,
		},
		{
			name: "the label of a group targets the servers a smaller count leaves",
			fleet: schema.Fleet{Owns: []string{"web-*", "db-*"}, Servers: []schema.DesiredServer{
				et.Desired("web-01", 1, inGroup("web")), et.Desired("web-02", 1, inGroup("web")),
				et.Desired("db-01", 2, inGroup("db-01"))}},
			live:    []api.Server{et.Live(1, "web-01"), et.Live(2, "web-02"), et.Live(3, "web-03"), et.Live(4, "db-01"), et.Live(5, "db-02"), et.Live(6, "web-server-01")},
			targets: []string{"web", "db-01"},
			// web-server-01 is not named like web's servers, and db-01
			// labels a single server: neither target selects more.
			want:     []fxChange{{"web-03", []Action{ActionDelete}, "not in the fleet, matched by owns web-*"}},
			warnings: []string{`Targeting is in effect`},
		},
		{
			name:      "targeted plans warn only of the undeclared servers they target",
			fleet:     schema.Fleet{Servers: []schema.DesiredServer{et.Desired("db-01", 1), et.Desired("web-01", 2)}},
			live:      []api.Server{et.Live(1, "db-01"), et.Live(2, "db-02"), et.Live(3, "web-01"), et.Live(4, "web-02")},
			targets:   []string{"web-*"},
			warnings:  []string{`Targeting is in effect`, `web-02 is no longer declared`},
			unmanaged: 2,
		},
		{
			name: "a server block's label targets its whole group",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{
				et.Desired("api", 1, inGroup("api")),
				et.Desired("web-01", 2, inGroup("web")), et.Desired("web-02", 2, inGroup("web")),
				et.Desired("web-frontend", 3, inGroup("web-frontend"))}},
			targets: []string{"web"},
			want: []fxChange{
				{"web-01", []Action{ActionCreate}, "not in the account"},
				{"web-02", []Action{ActionCreate}, "not in the account"},
			},
			warnings: []string{`Targeting is in effect`},
		},
		{
			name: "a target on moved.from plans the rename",
			fleet: schema.Fleet{Servers: []schema.DesiredServer{et.Desired("db-01", 3)},
				Moves: []schema.Move{et.Move("db-old", "db-01", 12)}},
			live:    []api.Server{et.Live(1, "db-old")},
			targets: []string{"db-old"},
			want: []fxChange{{"db-01", []Action{ActionRename},
				"renamed from db-old by moved block (fleet.hcl:12)"}},
			warnings: []string{`Targeting is in effect`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, diags := BuildPlan(&tt.fleet, tt.live, PlanOptions{Targets: tt.targets})
			var gotErrors []string
			var gotWarnDiags int
			for _, d := range diags {
				if d.Severity == hcl.DiagError {
					gotErrors = append(gotErrors, d.Summary)
				} else {
					gotWarnDiags++
				}
			}
			if !slices.Equal(gotErrors, tt.errors) {
				t.Errorf("errors = %q, want %q (diags: %v)", gotErrors, tt.errors, diags)
			}
			if gotWarnDiags != len(p.Warnings) {
				t.Errorf("%d warning diagnostics but %d plan warnings", gotWarnDiags, len(p.Warnings))
			}
			if len(p.Warnings) != len(tt.warnings) {
				t.Fatalf("warnings = %q, want %d like %q", p.Warnings, len(tt.warnings), tt.warnings)
			}
			for i, w := range tt.warnings {
				if !strings.Contains(p.Warnings[i], w) {
					t.Errorf("warning %d = %q, want it to contain %q", i, p.Warnings[i], w)
				}
			}
			var got []fxChange
			for _, c := range p.Changes {
				got = append(got, fxChange{c.Name, c.Actions, c.Reason})
			}
			if len(got) != len(tt.want) {
				t.Fatalf("changes = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i].name != tt.want[i].name || !slices.Equal(got[i].actions, tt.want[i].actions) || got[i].reason != tt.want[i].reason {
					t.Errorf("change %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
			if p.Unmanaged != tt.unmanaged {
				t.Errorf("unmanaged = %d, want %d", p.Unmanaged, tt.unmanaged)
			}
			if !slices.Equal(p.Targets, tt.targets) {
				t.Errorf("targets = %q, want %q", p.Targets, tt.targets)
			}
			if p.FormatVersion != FormatVersion {
				t.Errorf("format_version = %q", p.FormatVersion)
			}
		})
	}
}

// inGroup makes a desired server one of the servers the server block
// labelled label declares.
func inGroup(label string) func(*schema.DesiredServer) {
	return func(d *schema.DesiredServer) { d.Group = label }
}

func TestBuildPlanReplaceCreatesFromTheFleet(t *testing.T) {
	tests := []struct {
		name        string
		desired     schema.DesiredServer
		live        api.Server
		wantBackups bool
		wantPower   schema.Power
	}{
		{"live backups unknown: the fleet's value", et.Desired("web-01", 1, et.WantPlanID(2), et.WantBackups(true)), et.Live(1, "web-01", et.Backups(nil)), true, "on"},
		{"live backups known", et.Desired("web-01", 1, et.WantPlanID(2), et.WantBackups(true)), et.Live(1, "web-01"), true, "on"},
		{"ignored backups keep the live value", et.Desired("web-01", 1, et.WantPlanID(2), et.WantBackups(true), et.Ignoring("backups_enabled")), et.Live(1, "web-01"), false, "on"},
		{"power off", et.Desired("web-01", 1, et.WantPlanID(2), et.WantOff), et.Live(1, "web-01"), false, "off"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, diags := BuildPlan(&schema.Fleet{Servers: []schema.DesiredServer{tt.desired}}, []api.Server{tt.live}, PlanOptions{})
			if diags.HasErrors() || len(p.Changes) != 1 || !p.Changes[0].Has(ActionReplace) {
				t.Fatalf("plan = %+v (%v), want one replace", p.Changes, diags)
			}
			after := p.Changes[0].After
			if after.BackupsEnabled != tt.wantBackups || after.Power != tt.wantPower || after.ID != 0 {
				t.Errorf("after = %+v, want backups %t, power %s, no id", after, tt.wantBackups, tt.wantPower)
			}
		})
	}
}

// TestBuildPlanListsUnmanaged: the servers Unmanaged counts are listed by
// name and id, each with the declared server it is named like, if any.
func TestBuildPlanListsUnmanaged(t *testing.T) {
	fleet := &schema.Fleet{Owns: []string{"web-*"}, Servers: []schema.DesiredServer{et.Desired("db-01", 1), et.Desired("web-01", 2)}}
	live := []api.Server{et.Live(5, "mail"), et.Live(2, "db-02"), et.Live(3, "db-01"), et.Live(4, "web-09"), et.Live(1, "db-02")}
	for _, build := range []func(*schema.Fleet, []api.Server, PlanOptions) (*Plan, hcl.Diagnostics){BuildPlan, BuildDestroyPlan} {
		p, _ := build(fleet, live, PlanOptions{})
		want := []UnmanagedServer{{ID: 1, Name: "db-02", NamedLike: "db-01"}, {ID: 2, Name: "db-02", NamedLike: "db-01"}, {ID: 5, Name: "mail"}}
		if !slices.Equal(p.UnmanagedServers, want) || p.Unmanaged != len(want) {
			t.Errorf("unmanaged %d: %+v, want %+v", p.Unmanaged, p.UnmanagedServers, want)
		}
	}
}

func TestSameShape(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"db-01", "db-02", true},
		{"db-01", "db-2", true},
		{"web-01", "web-10", true},
		{"web-01", "web-server-01", false},
		{"web-01", "web-01a", false},
		{"eu1-web-01", "eu2-web-07", true},
		{"api", "api", true},
		{"api", "apx", false},
		{"web-a", "web-b", false},
	}
	for _, tt := range tests {
		if got := SameShape(tt.a, tt.b); got != tt.same {
			t.Errorf("SameShape(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}
