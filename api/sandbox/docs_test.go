package sandbox

import (
	"net/http"
	"testing"
	"time"
)

// TestDocExamples replays the API documentation's curl examples against a
// new account and compares the answers with the documented bodies, field
// order included. The golden files are the documentation's examples with
// two adjustments the documentation itself forces: lists carry "next" and
// "previous" (DRF pagination), and server 12345's updated_at is the one of
// the later detail example in both.
func TestDocExamples(t *testing.T) {
	tests := []struct {
		name   string
		method string
		path   string
		body   string
		status int
		golden string
	}{
		{"list", "GET", "/api/v1/servers/", "", http.StatusOK, "docs_list.json"},
		{"create", "POST", "/api/v1/servers/", `{
    "name": "web-server-02",
    "plan_id": 1,
    "os_id": 5,
    "location": "us-west",
    "hostname": "web02.example.com",
    "backups_enabled": true
  }`, http.StatusCreated, "docs_create.json"},
		{"get", "GET", "/api/v1/servers/12345/", "", http.StatusOK, "docs_get_12345.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, Options{ProvisionDelay: 3 * time.Minute})
			r := s.mustDo(tt.method, tt.path, tt.body, tt.status)
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
			assertGolden(t, tt.golden, r.body)
		})
	}
}

// TestDocExamplesUpdate replays PUT, PATCH and DELETE of 12345.
func TestDocExamplesUpdate(t *testing.T) {
	s := newTestServer(t, Options{})
	r := s.mustDo("PUT", "/api/v1/servers/12345/", `{
    "name": "web-server-updated",
    "hostname": "web-updated.example.com",
    "backups_enabled": true
  }`, http.StatusOK)
	got := decode(t, r.body)
	if got["name"] != "web-server-updated" || got["hostname"] != "web-updated.example.com" || got["backups_enabled"] != true {
		t.Errorf("PUT answer does not carry the new values: %s", r.body)
	}
	if got["updated_at"] != "2025-01-16T15:30:00Z" {
		t.Errorf("PUT updated_at = %v, want the clock's 2025-01-16T15:30:00Z", got["updated_at"])
	}
	if _, ok := got["resource_usage"]; !ok {
		t.Errorf("PUT answer is not a detail: %s", r.body)
	}
	r = s.mustDo("PATCH", "/api/v1/servers/12345/", `{"name": "new-server-name"}`, http.StatusOK)
	got = decode(t, r.body)
	if got["name"] != "new-server-name" || got["hostname"] != "web-updated.example.com" {
		t.Errorf("PATCH changed more or less than the name: %s", r.body)
	}
	r = s.mustDo("DELETE", "/api/v1/servers/12345/", "", http.StatusNoContent)
	if len(r.body) != 0 {
		t.Errorf("DELETE answered a body: %q", r.body)
	}
	s.mustDo("GET", "/api/v1/servers/12345/", "", http.StatusNotFound)
}

// TestDocExamplesActions replays stop, start and reboot of 12345 with the
// clock moved on between them, comparing with the documented answers.
func TestDocExamplesActions(t *testing.T) {
	s := newTestServer(t, Options{TransitionDelay: time.Second})
	steps := []struct {
		path   string
		golden string
	}{
		{"/api/v1/servers/12345/stop/", "docs_stop.json"},
		{"/api/v1/servers/12345/start/", "docs_start.json"},
		{"/api/v1/servers/12345/reboot/", "docs_reboot.json"},
	}
	for _, st := range steps {
		r := s.mustDo("POST", st.path, "", http.StatusOK)
		assertGolden(t, st.golden, r.body)
		s.clock.Advance(time.Second)
	}
}
