package schema

import (
	"fmt"
	"strings"
	"testing"
)

// summary renders the servers of f one per line, for comparisons.
func summary(f *Fleet) string {
	var b strings.Builder
	for _, s := range f.Servers {
		fmt.Fprintf(&b, "%s plan=%d os=%d %s host=%q backups=%v power=%s\n",
			s.Name, s.PlanID, s.OSID, s.Location, s.Hostname, s.BackupsEnabled, s.Power)
	}
	return b.String()
}

func TestExpansion(t *testing.T) {
	const defaults = `defaults {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}
`
	cases := []struct {
		name, src, want string
	}{
		{"count zero", `server "web" {
  count = 0
  name  = "web-${count.index}"
}`, ""},
		{"count names and per-instance attributes", `server "web" {
  count    = 3
  name     = format("web-%02d", count.index + 1)
  hostname = "web-${count.index}.example.com"
  power    = count.index == 2 ? "off" : "on"
  plan_id  = 2
}`, `web-01 plan=2 os=5 us-west host="web-0.example.com" backups=false power=on
web-02 plan=2 os=5 us-west host="web-1.example.com" backups=false power=on
web-03 plan=2 os=5 us-west host="web-2.example.com" backups=false power=off
`},
		{"count from a local", `locals { sites = ["a", "b"] }
server "web" {
  count    = length(local.sites)
  name     = "web-${local.sites[count.index]}"
}`, `web-a plan=1 os=5 us-west host="" backups=false power=on
web-b plan=1 os=5 us-west host="" backups=false power=on
`},
		{"for_each map", `server "db" {
  for_each = { east = "us-east", west = "us-west" }
  name     = "db-${each.key}"
  location = each.value
  backups_enabled = true
}`, `db-east plan=1 os=5 us-east host="" backups=true power=on
db-west plan=1 os=5 us-west host="" backups=true power=on
`},
		{"for_each set", `server "cache" {
  for_each = toset(["b", "a"])
  name     = "cache-${each.value}"
}`, `cache-a plan=1 os=5 us-west host="" backups=false power=on
cache-b plan=1 os=5 us-west host="" backups=false power=on
`},
		{"for_each empty set of any type", `server "cache" {
  for_each = toset([])
  name     = each.key
}`, ""},
		{"for_each empty map", `server "cache" {
  for_each = {}
  name     = each.key
}`, ""},
		{"for_each object values", `server "app" {
  for_each = { one = { plan = 2 }, two = { plan = 1 } }
  name     = "app-${each.key}"
  plan_id  = each.value.plan
}`, `app-one plan=2 os=5 us-west host="" backups=false power=on
app-two plan=1 os=5 us-west host="" backups=false power=on
`},
		{"null leaves the default", `server "web-01" {
  plan_id = null
}`, `web-01 plan=1 os=5 us-west host="" backups=false power=on
`},
		{"sorted by name across blocks", `server "zz-1" {}
server "aa" {
  count = 2
  name  = "aa-${count.index}"
}`, `aa-0 plan=1 os=5 us-west host="" backups=false power=on
aa-1 plan=1 os=5 us-west host="" backups=false power=on
zz-1 plan=1 os=5 us-west host="" backups=false power=on
`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeFleet(t, map[string]string{"fleet.hcl": defaults + c.src})
			f, diags := Load(dir, LoadOptions{})
			if diags.HasErrors() {
				t.Fatalf("%s", diags.Error())
			}
			if got := summary(f); got != c.want {
				t.Errorf("got\n%swant\n%s", got, c.want)
			}
		})
	}
}

// TestLoadHashStable checks that the hash depends on content, not layout.
func TestLoadHashStable(t *testing.T) {
	a := writeFleet(t, map[string]string{"fleet.hcl": `server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}`})
	b := writeFleet(t, map[string]string{"x.hcl": `# same server, other layout
defaults { location = "us-west" }
server "web-01" {
  os_id = 5
  plan_id = 1
}`})
	c := writeFleet(t, map[string]string{"fleet.hcl": `server "web-01" {
  plan_id  = 2
  os_id    = 5
  location = "us-west"
}`})
	fa, _ := Load(a, LoadOptions{})
	fb, _ := Load(b, LoadOptions{})
	fc, _ := Load(c, LoadOptions{})
	if fa == nil || fb == nil || fc == nil {
		t.Fatal("a fleet failed to load")
	}
	if fa.Hash != fb.Hash {
		t.Errorf("same content, different hashes")
	}
	if fa.Hash == fc.Hash {
		t.Errorf("different plan_id, same hash")
	}
}

// TestHashCoversPlanInputs checks that every part of a fleet that changes
// a plan changes Fleet.Hash.
func TestHashCoversPlanInputs(t *testing.T) {
	const base = `fleet {
  owns    = ["web-*"]
  protect = ["db-*"]
}
server "web-01" {
  plan_id         = 1
  os_id           = 5
  location        = "us-west"
  hostname        = "web-1.example.com"
  ssh_key_id      = 7
  backups_enabled = false
  power           = "on"
  lifecycle {
    prevent_destroy       = false
    create_before_destroy = false
    ignore_changes        = ["hostname"]
  }
}
moved {
  from = "web-old"
  to   = "web-01"
}
`
	load := func(t *testing.T, src string) string {
		t.Helper()
		f, diags := Load(writeFleet(t, map[string]string{"fleet.hcl": src}), LoadOptions{})
		if diags.HasErrors() {
			t.Fatalf("%s", diags.Error())
		}
		return f.Hash
	}
	want := load(t, base)
	cases := []struct{ name, from, to string }{
		{"owns", `owns    = ["web-*"]`, `owns    = ["web-*", "app-*"]`},
		{"protect", `protect = ["db-*"]`, `protect = []`},
		{"name", `server "web-01"`, `server "web-02"`},
		{"plan_id", `plan_id         = 1`, `plan_id         = 2`},
		{"os_id", `os_id           = 5`, `os_id           = 3`},
		{"location", `"us-west"`, `"us-east"`},
		{"hostname", `"web-1.example.com"`, `"web-01.example.com"`},
		{"hostname unset", `hostname        = "web-1.example.com"`, ``},
		{"ssh_key_id", `ssh_key_id      = 7`, `ssh_key_id      = 8`},
		{"ssh_key_id unset", `ssh_key_id      = 7`, ``},
		{"backups_enabled", `backups_enabled = false`, `backups_enabled = true`},
		{"power", `power           = "on"`, `power           = "off"`},
		{"prevent_destroy", `prevent_destroy       = false`, `prevent_destroy       = true`},
		{"create_before_destroy", `create_before_destroy = false`, `create_before_destroy = true`},
		{"ignore_changes", `["hostname"]`, `["hostname", "power"]`},
		{"moved from", `"web-old"`, `"web-older"`},
		{"moved block", "moved {\n  from = \"web-old\"\n  to   = \"web-01\"\n}\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(base, c.from, c.to, 1)
			if src == base {
				t.Fatalf("the case changes nothing in the fleet")
			}
			if c.name == "name" {
				// keep the moved block pointing at a declared server
				src = strings.Replace(src, `to   = "web-01"`, `to   = "web-02"`, 1)
			}
			if load(t, src) == want {
				t.Errorf("changing %s leaves the hash unchanged", c.name)
			}
		})
	}
}
