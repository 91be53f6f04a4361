package sandbox

import (
	"strings"
	"testing"
)

// TestStatusCodes covers every status code of the endpoint table, plus
// the routing and authentication answers, on a new example account.
func TestStatusCodes(t *testing.T) {
	const valid = `{"name":"web-1","plan_id":1,"os_id":5,"location":"us-west"}`
	const bearer = "Bearer " + testToken
	tests := []struct {
		name     string
		method   string
		path     string
		body     string
		auth     string
		status   int
		wantBody string // exact body; "" skips the check
		allow    string // expected Allow header; "" skips the check
	}{
		{"list", "GET", "/api/v1/servers/", "", bearer, 200, "", allowList},
		{"list no auth", "GET", "/api/v1/servers/", "", "", 401, `{"detail":"Authentication credentials were not provided."}`, ""},
		{"list other scheme", "GET", "/api/v1/servers/", "", "Token " + testToken, 401, `{"detail":"Authentication credentials were not provided."}`, ""},
		{"list bad token", "GET", "/api/v1/servers/", "", "Bearer nope", 401, `{"detail":"Invalid token."}`, ""},
		{"list empty bearer", "GET", "/api/v1/servers/", "", "Bearer", 401, `{"detail":"Invalid token header. No credentials provided."}`, ""},
		{"list spaced token", "GET", "/api/v1/servers/", "", "Bearer a b", 401, `{"detail":"Invalid token header. Token string should not contain spaces."}`, ""},
		{"create", "POST", "/api/v1/servers/", valid, bearer, 201, "", ""},
		{"create invalid", "POST", "/api/v1/servers/", `{}`, bearer, 400, "", ""},
		{"create no auth", "POST", "/api/v1/servers/", valid, "", 401, "", ""},
		{"get", "GET", "/api/v1/servers/12346/", "", bearer, 200, "", allowDetail},
		{"get missing", "GET", "/api/v1/servers/99999/", "", bearer, 404, `{"detail":"Not found."}`, ""},
		{"get no auth", "GET", "/api/v1/servers/12345/", "", "", 401, "", ""},
		{"put", "PUT", "/api/v1/servers/12345/", `{"name":"a","hostname":"a.example.com","backups_enabled":false}`, bearer, 200, "", ""},
		{"put partial", "PUT", "/api/v1/servers/12345/", `{"name":"a"}`, bearer, 400, `{"hostname":["This field is required."],"backups_enabled":["This field is required."]}`, ""},
		{"put missing", "PUT", "/api/v1/servers/99999/", `{"name":"a","hostname":"a.example.com","backups_enabled":false}`, bearer, 404, "", ""},
		{"put no auth", "PUT", "/api/v1/servers/12345/", `{}`, "", 401, "", ""},
		{"patch", "PATCH", "/api/v1/servers/12345/", `{"backups_enabled":false}`, bearer, 200, "", ""},
		{"patch empty", "PATCH", "/api/v1/servers/12345/", `{}`, bearer, 200, "", ""},
		{"patch invalid", "PATCH", "/api/v1/servers/12345/", `{"hostname":"nodots"}`, bearer, 400, "", ""},
		{"patch missing", "PATCH", "/api/v1/servers/99999/", `{}`, bearer, 404, "", ""},
		{"patch no auth", "PATCH", "/api/v1/servers/12345/", `{}`, "", 401, "", ""},
		{"delete", "DELETE", "/api/v1/servers/12346/", "", bearer, 204, "", ""},
		{"delete missing", "DELETE", "/api/v1/servers/99999/", "", bearer, 404, "", ""},
		{"delete no auth", "DELETE", "/api/v1/servers/12346/", "", "", 401, "", ""},
		{"start running", "POST", "/api/v1/servers/12345/start/", "", bearer, 400, `{"detail":"Server is already running"}`, allowAction},
		{"start missing", "POST", "/api/v1/servers/99999/start/", "", bearer, 404, "", ""},
		{"stop", "POST", "/api/v1/servers/12345/stop/", "", bearer, 200, "", ""},
		{"stop missing", "POST", "/api/v1/servers/99999/stop/", "", bearer, 404, "", ""},
		{"reboot", "POST", "/api/v1/servers/12346/reboot/", "", bearer, 200, "", ""},
		{"reboot missing", "POST", "/api/v1/servers/99999/reboot/", "", bearer, 404, "", ""},
		{"action no auth", "POST", "/api/v1/servers/12345/reboot/", "", "", 401, "", ""},
		{"unknown path", "GET", "/api/v1/servers/12345/resize/", "", bearer, 404, `{"detail":"Not found."}`, ""},
		{"no trailing slash", "GET", "/api/v1/servers/12345", "", bearer, 404, "", ""},
		{"id not a number", "GET", "/api/v1/servers/abc/", "", bearer, 404, "", ""},
		{"id zero", "GET", "/api/v1/servers/0/", "", bearer, 404, "", ""},
		{"root", "GET", "/", "", "", 404, `{"detail":"Not found."}`, ""},
		{"list wrong method", "DELETE", "/api/v1/servers/", "", bearer, 405, `{"detail":"Method \"DELETE\" not allowed."}`, allowList},
		{"detail wrong method", "POST", "/api/v1/servers/12345/", "", bearer, 405, `{"detail":"Method \"POST\" not allowed."}`, allowDetail},
		{"action wrong method", "GET", "/api/v1/servers/12345/start/", "", bearer, 405, `{"detail":"Method \"GET\" not allowed."}`, allowAction},
		{"wrong method no auth", "DELETE", "/api/v1/servers/", "", "", 401, "", ""},
		{"options", "OPTIONS", "/api/v1/servers/", "", bearer, 200, "", allowList},
		{"head", "HEAD", "/api/v1/servers/12345/", "", bearer, 200, "", ""},
		{"malformed json", "POST", "/api/v1/servers/", `{"name":`, bearer, 400, "", ""},
		{"stats without token", "GET", "/_sandbox/stats", "", "", 200, "", ""},
		{"stats wrong method", "POST", "/_sandbox/stats", "", "", 405, "", allowStats},
		{"suspend missing", "POST", "/_sandbox/servers/99999/suspend/", "", "", 404, "", ""},
		{"sandbox unknown", "GET", "/_sandbox/nothing", "", "", 404, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, Options{})
			r := s.doAuth(tt.method, tt.path, tt.body, tt.auth)
			if r.err != nil {
				t.Fatalf("%s %s: %v", tt.method, tt.path, r.err)
			}
			if r.status != tt.status {
				t.Fatalf("%s %s: status %d, want %d; body %s", tt.method, tt.path, r.status, tt.status, r.body)
			}
			if tt.wantBody != "" && string(r.body) != tt.wantBody {
				t.Errorf("body %s, want %s", r.body, tt.wantBody)
			}
			if tt.allow != "" && r.header.Get("Allow") != tt.allow {
				t.Errorf("Allow %q, want %q", r.header.Get("Allow"), tt.allow)
			}
			if tt.status == 401 && r.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if strings.Contains(string(r.body), testToken) {
				t.Errorf("the answer reveals the token: %s", r.body)
			}
			if tt.status == 400 && tt.body == `{"name":` && !strings.HasPrefix(string(r.body), `{"detail":"JSON parse error - `) {
				t.Errorf("malformed JSON answer %s, want a JSON parse error detail", r.body)
			}
		})
	}
}
