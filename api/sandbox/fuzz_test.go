package sandbox

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fuzzMethods are the methods the fuzz target picks from.
var fuzzMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"}

// FuzzRequest sends arbitrary methods, paths, query strings and bodies to
// an account with no faults configured: every answer must be a framework
// answer (JSON, or 204/HEAD with no body) below 500, and nothing may panic.
func FuzzRequest(f *testing.F) {
	f.Add(uint8(1), "/api/v1/servers/", "", `{"name":"web-1","plan_id":1,"os_id":5,"location":"us-west","hostname":"a.example.com","backups_enabled":true}`)
	f.Add(uint8(2), "/api/v1/servers/12345/", "", `{"name":"a","hostname":"b.c","backups_enabled":"no"}`)
	f.Add(uint8(3), "/api/v1/servers/12345/", "", `{"hostname":null}`)
	f.Add(uint8(0), "/api/v1/servers/", "status=active&location=us-west&page=1", "")
	f.Add(uint8(0), "/api/v1/servers/", "page=last", "")
	f.Add(uint8(1), "/api/v1/servers/12345/stop/", "", "")
	f.Add(uint8(1), "/_sandbox/servers/12346/suspend/", "", "")
	f.Add(uint8(1), "/api/v1/servers/", "", `[{"name":1e999}]`)
	f.Add(uint8(4), "/api/v1/servers/99999999999999999999/", "", "")
	f.Fuzz(func(t *testing.T, m uint8, path, query, body string) {
		a, err := New(Options{Token: testToken, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		req := httptest.NewRequest("GET", "/", strings.NewReader(body))
		req.Method = fuzzMethods[int(m)%len(fuzzMethods)]
		req.URL.Path = path
		req.URL.RawQuery = query
		req.Header.Set("Authorization", "Bearer "+testToken)
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s?%s %q: status %d %s", req.Method, path, query, body, rec.Code, rec.Body)
		}
		if rec.Code == http.StatusNoContent || req.Method == "HEAD" {
			return
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %s?%s %q: status %d with a body that is not JSON: %s", req.Method, path, query, body, rec.Code, rec.Body)
		}
		if rec.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("Content-Type %q", rec.Header().Get("Content-Type"))
		}
	})
}

// FuzzBody feeds arbitrary bodies to create, PUT and PATCH decoding: the
// answer is 2xx or a 400 with a DRF error shape (a detail, or per-field
// lists of messages).
func FuzzBody(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `null`, `[]`, `"x"`, `1`, `{"name":`, `{"name":"a"} x`,
		`{"name":"a","plan_id":"1","os_id":3.0,"location":"eu-central"}`,
		`{"name":"a-b","plan_id":1,"os_id":5,"location":"us-west","ssh_key_id":-3}`,
		`{"backups_enabled":"On","hostname":"x.y.z"}`,
		`{"name":{"a":1},"plan_id":[1],"location":true}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		a, err := New(Options{Token: testToken, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		for _, target := range []struct{ method, path string }{
			{"POST", "/api/v1/servers/"},
			{"PUT", "/api/v1/servers/12345/"},
			{"PATCH", "/api/v1/servers/12346/"},
		} {
			req := httptest.NewRequest(target.method, target.path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+testToken)
			rec := httptest.NewRecorder()
			a.ServeHTTP(rec, req)
			switch rec.Code {
			case 200, 201:
				continue
			case 400:
			default:
				t.Fatalf("%s %q: status %d %s", target.method, body, rec.Code, rec.Body)
			}
			var shape map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &shape); err != nil || len(shape) == 0 {
				t.Fatalf("%s %q: 400 body %s is not a DRF error", target.method, body, rec.Body)
			}
			for k, v := range shape {
				if k == "detail" {
					if _, ok := v.(string); !ok {
						t.Fatalf("detail is %T", v)
					}
					continue
				}
				msgs, ok := v.([]any)
				if !ok || len(msgs) == 0 {
					t.Fatalf("%s %q: field %s is not a list of messages: %s", target.method, body, k, rec.Body)
				}
			}
		}
	})
}
