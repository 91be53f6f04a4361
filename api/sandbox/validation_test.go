package sandbox

import (
	"net/http"
	"strings"
	"testing"
)

// TestValidation checks the 400 answers of create, PUT and PATCH: every
// field's problems are reported at once, in field order, worded as the
// framework words them.
func TestValidation(t *testing.T) {
	long := "a" + strings.Repeat("b", 63)
	longHost := strings.Repeat("a", 250) + ".com"
	tests := []struct {
		name   string
		method string
		body   string
		want   string
	}{
		{"create empty body", "POST", ``,
			`{"name":["This field is required."],"plan_id":["This field is required."],"os_id":["This field is required."],"location":["This field is required."]}`},
		{"create empty object", "POST", `{}`,
			`{"name":["This field is required."],"plan_id":["This field is required."],"os_id":["This field is required."],"location":["This field is required."]}`},
		{"create all wrong", "POST", `{"name":"1abc","plan_id":"x","os_id":9,"location":"mars","hostname":"nodot","ssh_key_id":"k","backups_enabled":"maybe"}`,
			`{"name":["` + msgBadName + `"],"plan_id":["A valid integer is required."],"os_id":["Invalid pk \"9\" - object does not exist."],"location":["\"mars\" is not a valid choice."],"hostname":["` + msgBadHostname + `"],"ssh_key_id":["A valid integer is required."],"backups_enabled":["Must be a valid boolean."]}`},
		{"create unknown plan", "POST", `{"name":"a","plan_id":9,"os_id":5,"location":"us-west"}`,
			`{"plan_id":["Invalid pk \"9\" - object does not exist."]}`},
		{"create nulls", "POST", `{"name":null,"plan_id":null,"os_id":5,"location":null,"backups_enabled":null}`,
			`{"name":["This field may not be null."],"plan_id":["This field may not be null."],"location":["This field may not be null."],"backups_enabled":["This field may not be null."]}`},
		{"create blank name", "POST", `{"name":"  ","plan_id":1,"os_id":5,"location":"us-west"}`,
			`{"name":["This field may not be blank."]}`},
		{"create name wrong type", "POST", `{"name":["a"],"plan_id":true,"os_id":1.5,"location":"us-west"}`,
			`{"name":["Not a valid string."],"plan_id":["A valid integer is required."],"os_id":["A valid integer is required."]}`},
		{"create long name", "POST", `{"name":"` + long + `","plan_id":1,"os_id":5,"location":"us-west"}`,
			`{"name":["Ensure this field has no more than 63 characters."]}`},
		{"create long bad name", "POST", `{"name":"-` + long + `","plan_id":1,"os_id":5,"location":"us-west"}`,
			`{"name":["` + msgBadName + `","Ensure this field has no more than 63 characters."]}`},
		{"create long hostname", "POST", `{"name":"a","plan_id":1,"os_id":5,"location":"us-west","hostname":"` + longHost + `"}`,
			`{"hostname":["Ensure this field has no more than 253 characters."]}`},
		{"create hostname empty label", "POST", `{"name":"a","plan_id":1,"os_id":5,"location":"us-west","hostname":"a..com"}`,
			`{"hostname":["` + msgBadHostname + `"]}`},
		{"create ssh key below 1", "POST", `{"name":"a","plan_id":1,"os_id":5,"location":"us-west","ssh_key_id":0}`,
			`{"ssh_key_id":["Ensure this value is greater than or equal to 1."]}`},
		{"create list body", "POST", `[1,2]`,
			`{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}`},
		{"create string body", "POST", `"x"`,
			`{"non_field_errors":["Invalid data. Expected a dictionary, but got str."]}`},
		{"put empty", "PUT", `{}`,
			`{"name":["This field is required."],"hostname":["This field is required."],"backups_enabled":["This field is required."]}`},
		{"put bad values", "PUT", `{"name":"a_b","hostname":"x","backups_enabled":2}`,
			`{"name":["` + msgBadName + `"],"hostname":["` + msgBadHostname + `"],"backups_enabled":["Must be a valid boolean."]}`},
		{"patch blank hostname", "PATCH", `{"hostname":""}`,
			`{"hostname":["This field may not be blank."]}`},
		{"patch bad name", "PATCH", `{"name":"web server"}`,
			`{"name":["` + msgBadName + `"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, Options{})
			path := "/api/v1/servers/"
			if tt.method != "POST" {
				path = "/api/v1/servers/12345/"
			}
			r := s.mustDo(tt.method, path, tt.body, http.StatusBadRequest)
			if string(r.body) != tt.want {
				t.Errorf("body\n%s\nwant\n%s", r.body, tt.want)
			}
			if tt.method == "POST" {
				if got := s.serverCount(); got != 2 {
					t.Errorf("an invalid create changed the account: %d servers", got)
				}
			}
		})
	}
}

// TestValidationAccepts checks spellings the framework accepts, and that
// they are stored normalised.
func TestValidationAccepts(t *testing.T) {
	tests := []struct {
		name string
		body string
		want map[string]any
	}{
		{"numbers as strings", `{"name":"web","plan_id":"2","os_id":"3","location":"us-east"}`,
			map[string]any{"name": "web", "status": "provisioning", "location": "us-east"}},
		{"integral float", `{"name":"web","plan_id":1.0,"os_id":5,"location":"us-west"}`,
			map[string]any{"name": "web"}},
		{"trimmed name", `{"name":"  web-1 ","plan_id":1,"os_id":5,"location":"us-west","hostname":" a.b "}`,
			map[string]any{"name": "web-1", "hostname": "a.b"}},
		{"boolean spellings", `{"name":"w","plan_id":1,"os_id":5,"location":"us-west","backups_enabled":"yes"}`,
			map[string]any{"backups_enabled": true}},
		{"boolean number", `{"name":"w","plan_id":1,"os_id":5,"location":"us-west","backups_enabled":0}`,
			map[string]any{"backups_enabled": false}},
		{"unknown fields ignored", `{"name":"w","plan_id":1,"os_id":5,"location":"us-west","status":"active","id":1}`,
			map[string]any{"status": "provisioning"}},
		{"ssh key null", `{"name":"w","plan_id":1,"os_id":5,"location":"us-west","ssh_key_id":null}`,
			map[string]any{"name": "w"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, Options{ProvisionDelay: 1})
			got := decode(t, s.mustDo("POST", "/api/v1/servers/", tt.body, http.StatusCreated).body)
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
		})
	}
}
