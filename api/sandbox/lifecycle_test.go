package sandbox

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// TestCredits checks creates are charged and refused when the balance
// cannot cover them, and that deleting refunds nothing.
func TestCredits(t *testing.T) {
	s := newTestServer(t, Options{Empty: true, Credits: 35})
	a := s.create("a", 2) // 35 → 15
	s.create("b", 1)      // 15 → 5
	for _, plan := range []string{"1", "2"} {
		r := s.mustDo("POST", "/api/v1/servers/", `{"name":"c","plan_id":`+plan+`,"os_id":5,"location":"us-west"}`, http.StatusPaymentRequired)
		if string(r.body) != `{"detail":"Insufficient credits"}` {
			t.Errorf("402 body %s", r.body)
		}
	}
	s.mustDo("DELETE", "/api/v1/servers/"+strconv.FormatInt(a, 10)+"/", "", http.StatusNoContent)
	s.mustDo("POST", "/api/v1/servers/", `{"name":"c","plan_id":1,"os_id":5,"location":"us-west"}`, http.StatusPaymentRequired)
	if p := s.list("/api/v1/servers/"); p.Count != 1 {
		t.Errorf("%d servers, want 1: refused creates must create nothing", p.Count)
	}
	// A validation error wins over a lack of credits.
	s.mustDo("POST", "/api/v1/servers/", `{}`, http.StatusBadRequest)
}

// TestStateMachine drives one server through every transition on the
// injected clock.
func TestStateMachine(t *testing.T) {
	s := newTestServer(t, Options{Empty: true, ProvisionDelay: 3 * time.Second, TransitionDelay: time.Second})
	id := s.create("web", 1)
	path := "/api/v1/servers/" + strconv.FormatInt(id, 10) + "/"
	detail := func() map[string]any { return decode(t, s.mustDo("GET", path, "", http.StatusOK).body) }

	d := detail()
	if d["status"] != "provisioning" || d["ip_address"] != nil || d["ipv6_address"] != nil {
		t.Fatalf("new server: status %v ip %v ipv6 %v, want provisioning and null addresses", d["status"], d["ip_address"], d["ipv6_address"])
	}
	steps := []struct {
		advance time.Duration
		action  string // "" just looks
		code    int
		detail  string // the 400 detail
		status  string // the status afterwards
	}{
		{0, "stop", 400, "Server is not running", "provisioning"},
		{0, "start", 400, "Server is still being provisioned", "provisioning"},
		{0, "reboot", 400, "Server is not running", "provisioning"},
		{2999 * time.Millisecond, "", 0, "", "provisioning"},
		{time.Millisecond, "", 0, "", "active"},
		{0, "start", 400, "Server is already running", "active"},
		{0, "stop", 200, "", "stopping"},
		{0, "stop", 400, "Server is not running", "stopping"},
		{0, "start", 400, "Server is stopping; start it once it is stopped", "stopping"},
		{time.Second, "", 0, "", "stopped"},
		{0, "reboot", 400, "Server is not running", "stopped"},
		{0, "start", 200, "", "starting"},
		{0, "start", 400, "Server is already starting", "starting"},
		{time.Second, "", 0, "", "active"},
		{0, "reboot", 200, "", "rebooting"},
		{0, "start", 400, "Server is already running", "rebooting"},
		{0, "reboot", 400, "Server is not running", "rebooting"},
		{time.Second, "", 0, "", "active"},
	}
	for i, st := range steps {
		s.clock.Advance(st.advance)
		if st.action != "" {
			r := s.mustDo("POST", path+st.action+"/", "", st.code)
			got := decode(t, r.body)
			if st.code == 400 && got["detail"] != st.detail {
				t.Errorf("step %d %s: detail %v, want %q", i, st.action, got["detail"], st.detail)
			}
			if st.code == 200 {
				srv := got["server"].(map[string]any)
				if srv["status"] != st.status || got["status"] != "success" {
					t.Errorf("step %d %s: answer %s, want server status %s", i, st.action, r.body, st.status)
				}
				if got, want := detail()["updated_at"], formatTime(s.clock.Now()); got != want {
					t.Errorf("step %d %s: updated_at %v, want the action's time %v", i, st.action, got, want)
				}
			}
		}
		if got := detail()["status"]; got != st.status {
			t.Fatalf("step %d: status %v, want %s", i, got, st.status)
		}
	}
	d = detail()
	if d["ip_address"] == nil || d["ipv6_address"] == nil {
		t.Errorf("active server without addresses: %v %v", d["ip_address"], d["ipv6_address"])
	}
}

// TestZeroDelays checks zero delays make every transition instant.
func TestZeroDelays(t *testing.T) {
	s := newTestServer(t, Options{Empty: true})
	id := s.create("web", 1)
	if got := s.status(id); got != "active" {
		t.Fatalf("status %s, want active at once", got)
	}
	path := "/api/v1/servers/" + strconv.FormatInt(id, 10) + "/"
	r := decode(t, s.mustDo("POST", path+"stop/", "", http.StatusOK).body)
	if r["server"].(map[string]any)["status"] != "stopped" {
		t.Errorf("stop with zero delay answered %v, want stopped", r["server"])
	}
}

// TestSuspend checks the provider's suspension: nothing is accepted while
// suspended, and lifting it restores the status the server would have.
func TestSuspend(t *testing.T) {
	s := newTestServer(t, Options{TransitionDelay: time.Second})
	const path = "/api/v1/servers/12345/"
	s.doAuth("POST", "/_sandbox/servers/12345/suspend/", "", "")
	if got := s.status(12345); got != "suspended" {
		t.Fatalf("status %s, want suspended", got)
	}
	refused := []struct{ method, path, body string }{
		{"POST", path + "start/", ""},
		{"POST", path + "stop/", ""},
		{"POST", path + "reboot/", ""},
		{"PUT", path, `{"name":"a","hostname":"a.example.com","backups_enabled":true}`},
		{"PATCH", path, `{"name":"a"}`},
		{"DELETE", path, ""},
	}
	for _, rq := range refused {
		r := s.mustDo(rq.method, rq.path, rq.body, http.StatusBadRequest)
		if string(r.body) != `{"detail":"Server is suspended"}` {
			t.Errorf("%s %s: %s, want Server is suspended", rq.method, rq.path, r.body)
		}
	}
	if p := s.list("/api/v1/servers/?status=suspended"); p.Count != 1 || p.Results[0].ID != 12345 {
		t.Errorf("status filter suspended: %+v", p)
	}
	if r := s.doAuth("POST", "/_sandbox/servers/12345/suspend/", "", ""); r.status != 400 {
		t.Errorf("second suspend: %d %s, want 400", r.status, r.body)
	}
	r := s.doAuth("POST", "/_sandbox/servers/12345/unsuspend/", "", "")
	if r.status != 200 {
		t.Fatalf("unsuspend: %d %s", r.status, r.body)
	}
	if got := s.status(12345); got != "active" {
		t.Errorf("after unsuspend: %s, want active", got)
	}
	if r := s.doAuth("POST", "/_sandbox/servers/12345/unsuspend/", "", ""); r.status != 400 {
		t.Errorf("second unsuspend: %d %s, want 400", r.status, r.body)
	}
	// Suspended while stopping: the stop completes meanwhile.
	s.mustDo("POST", "/api/v1/servers/12346/stop/", "", http.StatusOK)
	s.doAuth("POST", "/_sandbox/servers/12346/suspend/", "", "")
	s.clock.Advance(2 * time.Second)
	if got := s.status(12346); got != "suspended" {
		t.Errorf("status %s, want suspended", got)
	}
	s.doAuth("POST", "/_sandbox/servers/12346/unsuspend/", "", "")
	if got := s.status(12346); got != "stopped" {
		t.Errorf("after unsuspend: %s, want stopped", got)
	}
	if r := s.doAuth("GET", "/_sandbox/servers/12346/suspend/", "", ""); r.status != 405 {
		t.Errorf("GET suspend: %d, want 405", r.status)
	}
}

// TestAddressesUnique checks every server gets its own IPv4 address from
// the documentation ranges, then from the shared address space.
func TestAddressesUnique(t *testing.T) {
	s := newTestServer(t, Options{Empty: true, Credits: 100000})
	specs := make([]ServerSpec, 600)
	for i := range specs {
		specs[i] = ServerSpec{Name: "w", PlanID: 1, OSID: 5, Location: "us-west"}
	}
	if _, err := s.account.Import(specs); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	doc := 0
	s.account.mu.Lock()
	servers := append([]*record(nil), s.account.servers...)
	s.account.mu.Unlock()
	for _, r := range servers {
		if seen[r.IPv4] || r.IPv4 == "" {
			t.Fatalf("address %q given twice", r.IPv4)
		}
		seen[r.IPv4] = true
		if inDocumentationNets(r.IPv4) {
			doc++
		}
	}
	if doc != 508 {
		t.Errorf("%d addresses from the documentation ranges, want all 508 used first", doc)
	}
	// A deleted server's address is free again.
	s.mustDo("DELETE", "/api/v1/servers/12345/", "", http.StatusNoContent)
	s.account.mu.Lock()
	free := s.account.docIPv4s
	s.account.mu.Unlock()
	if free != 507 {
		t.Errorf("docIPv4s %d after a delete, want 507", free)
	}
}

// TestResourceUsage checks usage is plausible and stable per server.
func TestResourceUsage(t *testing.T) {
	s := newTestServer(t, Options{Empty: true})
	id := s.create("web", 2)
	path := "/api/v1/servers/" + strconv.FormatInt(id, 10) + "/"
	u1 := decode(t, s.mustDo("GET", path, "", http.StatusOK).body)["resource_usage"].(map[string]any)
	u2 := decode(t, s.mustDo("GET", path, "", http.StatusOK).body)["resource_usage"].(map[string]any)
	for k, v := range u1 {
		if u2[k] != v {
			t.Errorf("%s changed between reads: %v then %v", k, v, u2[k])
		}
	}
	if cpu := u1["cpu_percent"].(float64); cpu <= 0 || cpu > 100 {
		t.Errorf("cpu_percent %v", cpu)
	}
	if m := u1["memory_used"].(float64); m <= 0 || m > 8192 {
		t.Errorf("memory_used %v of 8192", m)
	}
	if d := u1["disk_used"].(float64); d <= 0 || d > 160 {
		t.Errorf("disk_used %v of 160", d)
	}
	if b := u1["bandwidth_used"].(float64); b <= 0 || b > 4096 {
		t.Errorf("bandwidth_used %v of 4096", b)
	}
}
