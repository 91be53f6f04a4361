package schema

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

const rolloutFleet = `defaults {
  os_id    = 5
  location = "us-west"
  rollout {
    max_unavailable = 2
  }
}

server "db" {
  count   = 2
  name    = "db-${count.index}"
  plan_id = 2
}

server "cache-01" {
  plan_id    = 1
  depends_on = [db]
}

server "web" {
  count      = 20
  name       = format("web-%02d", count.index + 1)
  plan_id    = 2
  depends_on = ["db", "cache-01", "db"]
  rollout {
    max_unavailable = "10%"
    pause           = "30s"
    max_failures    = 1
    health_check {
      command  = ["./check.sh", "--quick"]
      timeout  = "10s"
      interval = "2s"
      retries  = 6
    }
  }
}

server "edge" {
  for_each = toset(["a", "b"])
  name     = "edge-${each.key}"
  plan_id  = 1
  rollout {
    health_check {
      command = ["true"]
    }
  }
}
`

// TestRolloutAndDependsOnDecoded checks the typed values of depends_on,
// rollout and Group, the defaults block's rollout, and that a server
// block's own rollout replaces it wholesale.
func TestRolloutAndDependsOnDecoded(t *testing.T) {
	f, diags := loadSources([]source{{name: "fleet.hcl", src: []byte(rolloutFleet)}}, LoadOptions{})
	if diags.HasErrors() {
		t.Fatalf("%s", diags.Error())
	}
	byName := map[string]DesiredServer{}
	for _, s := range f.Servers {
		byName[s.Name] = s
	}
	web, db, cache, edge := byName["web-07"], byName["db-1"], byName["cache-01"], byName["edge-a"]
	for name, want := range map[string]string{"web-07": "web", "db-1": "db", "cache-01": "cache-01", "edge-a": "edge"} {
		if got := byName[name].Group; got != want {
			t.Errorf("%s: Group %q, want %q", name, got, want)
		}
	}
	if !reflect.DeepEqual(web.DependsOn, []string{"db", "cache-01"}) || !reflect.DeepEqual(cache.DependsOn, []string{"db"}) || db.DependsOn != nil {
		t.Errorf("DependsOn: web %q, cache %q, db %q", web.DependsOn, cache.DependsOn, db.DependsOn)
	}
	wantWeb := &Rollout{
		MaxUnavailable: MaxUnavailable{Percent: 10},
		Pause:          30 * time.Second,
		MaxFailures:    1,
		HealthCheck:    &HealthCheck{Command: []string{"./check.sh", "--quick"}, Timeout: 10 * time.Second, Interval: 2 * time.Second, Retries: 6},
	}
	if web.Rollout == nil {
		t.Fatal("web has no rollout")
	}
	wantWeb.Range = web.Rollout.Range
	if !reflect.DeepEqual(web.Rollout, wantWeb) {
		t.Errorf("web rollout %+v, want %+v", *web.Rollout, *wantWeb)
	}
	if db.Rollout == nil || db.Rollout.MaxUnavailable != (MaxUnavailable{Count: 2}) || db.Rollout.HealthCheck != nil {
		t.Errorf("db should have the defaults' rollout: %+v", db.Rollout)
	}
	if r := edge.Rollout; r == nil || r.MaxUnavailable != (MaxUnavailable{Count: 1}) || r.Pause != 0 || r.MaxFailures != 0 ||
		!reflect.DeepEqual(r.HealthCheck, &HealthCheck{Command: []string{"true"}, Timeout: DefaultHealthCheckTimeout, Interval: DefaultHealthCheckInterval, Retries: DefaultHealthCheckRetries}) {
		t.Errorf("edge's own rollout should replace the defaults' wholesale, with the documented defaults: %+v", r)
	}
	if web.Rollout.Range.Start.Line != 25 {
		t.Errorf("rollout range %v, want line 25", web.Rollout.Range)
	}
}

func TestMaxUnavailableResolve(t *testing.T) {
	cases := []struct {
		m     MaxUnavailable
		group int
		want  int
	}{
		{MaxUnavailable{Count: 2}, 20, 2},
		{MaxUnavailable{Count: 5}, 3, 3},
		{MaxUnavailable{Count: 1}, 0, 1},
		{MaxUnavailable{Percent: 10}, 20, 2},
		{MaxUnavailable{Percent: 10}, 25, 2},
		{MaxUnavailable{Percent: 10}, 5, 1},
		{MaxUnavailable{Percent: 100}, 7, 7},
		{MaxUnavailable{Percent: 50}, 1, 1},
	}
	for _, c := range cases {
		if got := c.m.Resolve(c.group); got != c.want {
			t.Errorf("%s of %d: %d, want %d", c.m, c.group, got, c.want)
		}
	}
}

// TestHashCoversRolloutAndDependencies checks that fleets differing only
// in depends_on, a rollout field or a group differ in Hash.
func TestHashCoversRolloutAndDependencies(t *testing.T) {
	hash := func(t *testing.T, src string) string {
		t.Helper()
		f, diags := loadSources([]source{{name: "fleet.hcl", src: []byte(src)}}, LoadOptions{})
		if diags.HasErrors() {
			t.Fatalf("%s", diags.Error())
		}
		return f.Hash
	}
	want := hash(t, rolloutFleet)
	cases := []struct{ name, from, to string }{
		{"depends_on", `depends_on = ["db", "cache-01", "db"]`, `depends_on = ["db"]`},
		{"depends_on order", `depends_on = ["db", "cache-01", "db"]`, `depends_on = ["cache-01", "db"]`},
		{"max_unavailable count", `max_unavailable = 2`, `max_unavailable = 3`},
		{"max_unavailable percent", `"10%"`, `"20%"`},
		{"max_unavailable kind", `max_unavailable = 2`, `max_unavailable = "2%"`},
		{"pause", `"30s"`, `"31s"`},
		{"max_failures", `max_failures    = 1`, `max_failures    = 2`},
		{"command", `"--quick"`, `"--slow"`},
		{"timeout", `timeout  = "10s"`, `timeout  = "11s"`},
		{"interval", `"2s"`, `"3s"`},
		{"retries", `retries  = 6`, `retries  = 7`},
		{"health_check", "    health_check {\n      command = [\"true\"]\n    }\n", ""},
		{"rollout", "  rollout {\n    max_unavailable = 2\n  }\n", ""},
		{"group", `server "edge" {`, `server "edges" {`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(rolloutFleet, c.from, c.to, 1)
			if src == rolloutFleet {
				t.Fatalf("the case changes nothing")
			}
			if hash(t, src) == want {
				t.Errorf("changing %s leaves the hash unchanged", c.name)
			}
		})
	}
}

// TestDependsOnLongChain checks that a long chain of dependencies is
// checked without deep recursion, and a cycle closing it is found.
func TestDependsOnLongChain(t *testing.T) {
	var b strings.Builder
	b.WriteString("defaults {\n  plan_id  = 1\n  os_id    = 5\n  location = \"us-west\"\n}\n")
	const n = 5000
	for i := range n {
		dep := i + 1
		if i == n-1 {
			dep = 0
		}
		b.WriteString("server \"s" + strconv.Itoa(i) + "\" {\n  depends_on = [\"s" + strconv.Itoa(dep) + "\"]\n}\n")
	}
	_, diags := loadSources([]source{{name: "chain.hcl", src: []byte(b.String())}}, LoadOptions{})
	if d := findDiag(diags, "Cyclic depends_on"); d == nil || len(findAll(diags, "Cyclic depends_on")) != 1 {
		t.Fatalf("want one cycle reported, got %d", len(findAll(diags, "Cyclic depends_on")))
	}
}
