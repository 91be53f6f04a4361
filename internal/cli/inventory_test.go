package cli

import (
	"reflect"
	"strings"
	"testing"

	et "github.com/vpsfleet/vpsfleet/internal/enginetest"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

func TestAnsibleGroup(t *testing.T) {
	for label, want := range map[string]string{
		"web": "web", "app-web": "app_web", "db_01": "db_01", "01-edge": "_01_edge",
		"all": "all_servers", "ungrouped": "ungrouped_servers", "é": "_",
	} {
		if got := ansibleGroup(label); got != want {
			t.Errorf("ansibleGroup(%q) = %q, want %q", label, got, want)
		}
	}
}

func grouped(name, group string) schema.DesiredServer {
	d := et.Desired(name, 1)
	d.Group = group
	return d
}

// TestFleetInventory: the fleet's live servers, matched as plan matches
// them: by name, through a moved block, with the group of their block;
// owned and unmanaged servers are left out, missing ones listed, and a
// name carried twice refused.
func TestFleetInventory(t *testing.T) {
	ip := func(s string) func(*api.Server) { return func(srv *api.Server) { srv.IPAddress = &s } }
	fleet := &schema.Fleet{
		Owns:    []string{"web-*"},
		Servers: []schema.DesiredServer{grouped("web-01", "web"), grouped("web-02", "web"), grouped("db-01", "db-01"), grouped("web-03", "web")},
		Moves:   []schema.Move{et.Move("db-old", "db-01", 9)},
	}
	live := []api.Server{
		et.Live(3, "web-02", ip("203.0.113.2")), et.Live(1, "web-01", ip("203.0.113.1"), et.Host("web-1.example.com")),
		et.Live(5, "db-old"), et.Live(7, "web-09"), et.Live(8, "mail"),
	}
	inv, err := fleetInventory(fleet, live)
	if err != nil {
		t.Fatal(err)
	}
	var names, groups, declared []string
	for _, s := range inv.Servers {
		names, groups, declared = append(names, s.Name), append(groups, s.Group), append(declared, s.DeclaredAs)
	}
	if !reflect.DeepEqual(names, []string{"db-old", "web-01", "web-02"}) || !reflect.DeepEqual(groups, []string{"db-01", "web", "web"}) ||
		!reflect.DeepEqual(declared, []string{"db-01", "", ""}) || !reflect.DeepEqual(inv.NotLive, []string{"web-03"}) {
		t.Errorf("servers %v groups %v declared %v not live %v", names, groups, declared, inv.NotLive)
	}
	if s := inv.Servers[1]; *s.IPv4 != "203.0.113.1" || *s.Hostname != "web-1.example.com" || inv.Servers[0].IPv4 != nil || inv.Servers[0].Hostname != nil {
		t.Errorf("addresses: %+v %+v", inv.Servers[0], s)
	}

	doc := ansibleInventory(inv)
	if got := doc["web"].(map[string]any)["hosts"]; !reflect.DeepEqual(got, []string{"web-01", "web-02"}) {
		t.Errorf("group web: %v", got)
	}
	if got := doc["all"].(map[string]any)["children"]; !reflect.DeepEqual(got, []string{"ungrouped", "db_01", "web"}) {
		t.Errorf("all.children: %v", got)
	}
	hostvars := doc["_meta"].(map[string]any)["hostvars"].(map[string]any)
	if hv := hostvars["web-01"].(map[string]any); hv["ansible_host"] != "203.0.113.1" || hv["vpsfleet_id"] != int64(1) {
		t.Errorf("web-01's variables: %v", hv)
	}
	if _, ok := hostvars["db-old"].(map[string]any)["ansible_host"]; ok {
		t.Error("a server without an address has an ansible_host")
	}
	if got := ansibleHostVars(inv, "nosuch"); len(got) != 0 {
		t.Errorf("--host of no server: %v", got)
	}

	_, err = fleetInventory(fleet, append(live, et.Live(4, "web-01")))
	if err == nil || !strings.Contains(err.Error(), "web-01 is carried by 2 live servers (ids 1, 4)") || !strings.Contains(err.Error(), "server delete") {
		t.Errorf("a name carried twice: %v", err)
	}
}
