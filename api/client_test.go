package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vpsfleet/vpsfleet/api"
)

func TestRequestsAsDocumented(t *testing.T) {
	name, host, backups := "new-name", "n.example.com", true
	key := int64(7)
	tests := []struct {
		name     string
		op       op
		answer   step
		method   string
		uri      string
		wantBody string // "" means no body
	}{
		{"list", func(ctx context.Context, c *api.Client) error {
			_, err := c.ListServers(ctx, api.ListOptions{})
			return err
		}, step{status: 200, body: listJSON}, "GET", "/api/v1/servers/", ""},
		{"list filtered", func(ctx context.Context, c *api.Client) error {
			_, err := c.ListServers(ctx, api.ListOptions{Status: api.StatusActive, Location: "us-west"})
			return err
		}, step{status: 200, body: listJSON}, "GET", "/api/v1/servers/?location=us-west&status=active", ""},
		{"get", opGet, step{status: 200, body: serverJSON}, "GET", "/api/v1/servers/12345/", ""},
		{"create", func(ctx context.Context, c *api.Client) error {
			_, err := c.CreateServer(ctx, api.CreateRequest{Name: "web-server-02", PlanID: 1, OSID: 5, Location: "us-west", Hostname: "web02.example.com", SSHKeyID: &key, BackupsEnabled: &backups})
			return err
		}, step{status: 201, body: serverJSON}, "POST", "/api/v1/servers/",
			`{"name":"web-server-02","plan_id":1,"os_id":5,"location":"us-west","hostname":"web02.example.com","ssh_key_id":7,"backups_enabled":true}`},
		{"create minimal", opCreate, step{status: 201, body: serverJSON}, "POST", "/api/v1/servers/",
			`{"name":"web-1","plan_id":1,"os_id":5,"location":"us-west"}`},
		{"put", func(ctx context.Context, c *api.Client) error {
			_, err := c.ReplaceServer(ctx, 12345, api.ReplaceRequest{Name: name, Hostname: host})
			return err
		}, step{status: 200, body: serverJSON}, "PUT", "/api/v1/servers/12345/", `{"name":"new-name","hostname":"n.example.com","backups_enabled":false}`},
		{"patch one field", func(ctx context.Context, c *api.Client) error {
			_, err := c.UpdateServer(ctx, 12345, api.UpdateRequest{Hostname: &host})
			return err
		}, step{status: 200, body: serverJSON}, "PATCH", "/api/v1/servers/12345/", `{"hostname":"n.example.com"}`},
		{"delete", opDelete, step{status: 204}, "DELETE", "/api/v1/servers/12345/", ""},
		{"start", opStart, step{status: 200, body: actionJSON}, "POST", "/api/v1/servers/12345/start/", ""},
		{"stop", opStop, step{status: 200, body: actionJSON}, "POST", "/api/v1/servers/12345/stop/", ""},
		{"reboot", opReboot, step{status: 200, body: actionJSON}, "POST", "/api/v1/servers/12345/reboot/", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := &script{steps: []step{tt.answer}}
			c, _ := serve(t, sc)
			if err := tt.op(context.Background(), c); err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs := sc.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.method != tt.method || r.uri != tt.uri {
				t.Errorf("request %s %s, want %s %s", r.method, r.uri, tt.method, tt.uri)
			}
			if r.body != tt.wantBody {
				t.Errorf("body %s, want %s", r.body, tt.wantBody)
			}
			for header, want := range map[string]string{
				"Authorization": "Bearer " + testToken,
				"Content-Type":  "application/json",
				"Accept":        "application/json",
				"User-Agent":    "vpsfleet/" + api.Version,
			} {
				if got := r.header.Get(header); got != want {
					t.Errorf("%s = %q, want %q", header, got, want)
				}
			}
		})
	}
}

func TestDecodedAnswers(t *testing.T) {
	sc := &script{steps: []step{{status: 200, body: serverJSON}}}
	c, _ := serve(t, sc, api.WithUserAgent("custom/2"))
	s, err := c.GetServer(context.Background(), 12345)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "web-server-01" || s.Status != api.StatusActive || s.Plan.Memory != 4096 || s.OS.Name != "Ubuntu 22.04 LTS" ||
		s.IPAddress == nil || *s.IPAddress != "203.0.113.10" || s.BackupsEnabled != nil || s.CreatedAt.Year() != 2025 {
		t.Errorf("decoded %+v", s)
	}
	if ua := sc.requests()[0].header.Get("User-Agent"); ua != "custom/2" {
		t.Errorf("User-Agent %q", ua)
	}

	sc = &script{steps: []step{{status: 200, body: actionJSON}}}
	c, _ = serve(t, sc)
	r, err := c.StartServer(context.Background(), 12345)
	if err != nil {
		t.Fatal(err)
	}
	want := api.ActionResult{Status: "success", Message: "Server is starting", Server: api.ActionServer{ID: 12345, Name: "web-server-01", Status: api.StatusStarting}}
	if *r != want {
		t.Errorf("action result %+v, want %+v", *r, want)
	}
}

func TestErrorAnswers(t *testing.T) {
	tests := []struct {
		name    string
		op      op
		answer  step
		want    string // Error()
		unknown bool
	}{
		{"field errors", opCreate, step{status: 400, body: `{"plan_id": ["Invalid pk \"9\" - object does not exist."], "name": ["This field is required."]}`},
			`POST /api/v1/servers/: 400 Bad Request: name: This field is required.; plan_id: Invalid pk "9" - object does not exist.`, false},
		{"detail", opGet, step{status: 404, body: `{"detail": "Not found."}`},
			`GET /api/v1/servers/12345/: 404 Not Found: Not found.`, false},
		{"402", opCreate, step{status: 402, body: `{"detail": "Insufficient credits"}`},
			`POST /api/v1/servers/: 402 Payment Required: Insufficient credits`, false},
		{"html 502 page", opCreate, step{status: 502, header: map[string]string{"Content-Type": "text/html"}, body: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>" + strings.Repeat("x", 5000) + "</body></html>"},
			`POST /api/v1/servers/: 502 Bad Gateway: non-JSON answer (text/html): 502 Bad Gateway (the request was sent and may have taken effect)`, true},
		{"empty body", opStart, step{status: 400},
			`POST /api/v1/servers/12345/start/: 400 Bad Request`, false},
		{"malformed success", opGet, step{status: 200, body: `{"id": "twelve"`},
			`GET /api/v1/servers/12345/: 200 OK: malformed JSON in answer: unexpected end of JSON input`, false},
		{"malformed create answer", opCreate, step{status: 201, body: `not json`},
			`POST /api/v1/servers/: 201 Created: malformed JSON in answer: invalid character 'o' in literal null (expecting 'u') (the request was sent and may have taken effect)`, true},
		{"wrong type", opGet, step{status: 200, body: `{"id": "twelve"}`},
			`GET /api/v1/servers/12345/: 200 OK: malformed JSON in answer: json: cannot unmarshal string into Go struct field Server.id of type int64`, false},
		{"empty success", opGet, step{status: 200},
			`GET /api/v1/servers/12345/: 200 OK: empty answer where a JSON object was expected`, false},
		{"redirect", opGet, step{status: 301, header: map[string]string{"Location": "https://elsewhere.example/"}},
			`GET /api/v1/servers/12345/: 301 Moved Permanently: unexpected redirect to https://elsewhere.example/; check the endpoint URL`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := serve(t, &script{steps: []step{tt.answer}})
			err := tt.op(context.Background(), c)
			var e *api.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v (%T), want *api.Error", err, err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("Error()\n got %s\nwant %s", got, tt.want)
			}
			if e.OutcomeUnknown != tt.unknown {
				t.Errorf("OutcomeUnknown = %v, want %v", e.OutcomeUnknown, tt.unknown)
			}
		})
	}
}

func TestBodySizeLimit(t *testing.T) {
	big := `{"count": 0, "next": null, "results": [], "pad": "` + strings.Repeat("x", 1000) + `"}`
	sc := &script{steps: []step{{status: 200, body: big}}}
	c, _ := serve(t, sc, api.WithMaxBodyBytes(500))
	_, err := c.ListServers(context.Background(), api.ListOptions{})
	if err == nil || !strings.Contains(err.Error(), "larger than the 500-byte limit") {
		t.Fatalf("err = %v, want the size limit named", err)
	}
	if n := len(sc.requests()); n != 1 {
		t.Errorf("an over-large answer was retried: %d requests", n)
	}
	// At the limit exactly, the answer is read.
	c, _ = serve(t, &script{steps: []step{{status: 200, body: big}}}, api.WithMaxBodyBytes(int64(len(big))))
	if _, err := c.ListServers(context.Background(), api.ListOptions{}); err != nil {
		t.Errorf("answer of exactly the limit: %v", err)
	}
}

// pager serves n servers in pages of size, with next links built by link.
func pager(n, size int, link func(r *http.Request, page int) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := 1
		fmt.Sscan(r.URL.Query().Get("page"), &page)
		var results []map[string]any
		for i := (page - 1) * size; i < min(page*size, n); i++ {
			results = append(results, map[string]any{"id": 1000 + i, "name": fmt.Sprintf("s-%d", i), "status": "active"})
		}
		var next any
		if page*size < n {
			next = link(r, page+1)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"count": n, "next": next, "previous": nil, "results": results})
	})
}

func TestListFollowsPages(t *testing.T) {
	var seenQueries []string
	var mu atomic.Int32
	h := pager(7, 3, func(r *http.Request, page int) string {
		mu.Add(1)
		return fmt.Sprintf("http://%s/api/v1/servers/?location=us-west&page=%d", r.Host, page)
	})
	rec := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seenQueries = append(seenQueries, r.URL.RawQuery)
		h.ServeHTTP(w, r)
	})
	c, _ := serve(t, rec)
	servers, err := c.ListServers(context.Background(), api.ListOptions{Location: "us-west"})
	if err != nil {
		t.Fatal(err)
	}
	if len(servers) != 7 || servers[0].ID != 1000 || servers[6].ID != 1006 {
		t.Errorf("got %d servers: %+v", len(servers), servers)
	}
	want := []string{"location=us-west", "location=us-west&page=2", "location=us-west&page=3"}
	if strings.Join(seenQueries, " ") != strings.Join(want, " ") {
		t.Errorf("queries %q, want %q", seenQueries, want)
	}
	if c.RequestCount() != 3 {
		t.Errorf("RequestCount = %d", c.RequestCount())
	}
}

func TestListRefusesBadNextLinks(t *testing.T) {
	tests := []struct {
		name string
		link func(r *http.Request, page int) string
		want string
	}{
		{"another host", func(r *http.Request, page int) string {
			return fmt.Sprintf("http://evil.example/api/v1/servers/?page=%d", page)
		}, `points to host "evil.example"`},
		{"another port", func(r *http.Request, page int) string {
			return fmt.Sprintf("http://127.0.0.1:1/api/v1/servers/?page=%d", page)
		}, "refusing to send the token there"},
		{"a loop", func(r *http.Request, page int) string {
			return "http://" + r.Host + "/api/v1/servers/?page=2"
		}, "does not end"},
		{"not a URL", func(r *http.Request, page int) string { return "http://[::1" }, "not a URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int32
			h := pager(100, 10, tt.link)
			c, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				if r.Header.Get("Authorization") == "" {
					t.Error("request without token")
				}
				h.ServeHTTP(w, r)
			}))
			_, err := c.ListServers(context.Background(), api.ListOptions{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if hits.Load() > 2 {
				t.Errorf("%d requests", hits.Load())
			}
		})
	}
}

func TestListDeduplicatesMovedServers(t *testing.T) {
	// Page 2 repeats a server of page 1 (the account changed while it was
	// being listed): it is returned once, as last seen.
	pages := map[string]string{
		"":  `{"count": 3, "next": "http://HOST/api/v1/servers/?page=2", "results": [{"id": 1, "name": "a", "status": "active"}, {"id": 2, "name": "b", "status": "active"}]}`,
		"2": `{"count": 3, "next": null, "results": [{"id": 2, "name": "b", "status": "stopped"}, {"id": 3, "name": "c", "status": "active"}]}`,
	}
	c, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.ReplaceAll(pages[r.URL.Query().Get("page")], "HOST", r.Host))
	}))
	servers, err := c.ListServers(context.Background(), api.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(servers) != 3 || servers[1].Status != api.StatusStopped {
		t.Errorf("got %+v", servers)
	}
}

func TestInvalidIDRefusedLocally(t *testing.T) {
	sc := &script{steps: []step{{status: 200, body: serverJSON}}}
	c, _ := serve(t, sc)
	_, err := c.GetServer(context.Background(), 0)
	if err == nil || !strings.Contains(err.Error(), "positive") {
		t.Fatalf("err = %v", err)
	}
	if err := c.DeleteServer(context.Background(), -5); err == nil {
		t.Fatal("DeleteServer(-5) succeeded")
	}
	if n := len(sc.requests()); n != 0 {
		t.Errorf("%d requests sent for invalid ids", n)
	}
}

func TestResetOverNetworkAndInProcessAlike(t *testing.T) {
	for _, name := range []string{"network", "in-process"} {
		t.Run(name, func(t *testing.T) {
			sc := &script{steps: []step{{abort: true}}}
			var c *api.Client
			if name == "network" {
				c, _ = serve(t, sc)
			} else {
				c, _ = inProcess(t, sc)
			}
			err := opCreate(context.Background(), c)
			var e *api.Error
			if !errors.As(err, &e) || e.Status != 0 || !e.OutcomeUnknown || e.Attempts != 1 {
				t.Fatalf("err = %#v", err)
			}
			if !strings.HasPrefix(err.Error(), "POST /api/v1/servers/: no answer: ") {
				t.Errorf("Error() = %q", err)
			}
		})
	}
}

func TestHandlerPanicIsAReset(t *testing.T) {
	c, _ := inProcess(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }), api.WithMaxRetries(1))
	err := opGet(context.Background(), c)
	var e *api.Error
	if !errors.As(err, &e) || e.Status != 0 || e.Attempts != 2 {
		t.Fatalf("err = %v", err)
	}
}

func TestTokenNeverShown(t *testing.T) {
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		json.NewEncoder(w).Encode(map[string]any{"detail": "bad header " + auth, auth: []string{auth}})
	})
	c, _ := serve(t, echo)
	err := opCreate(context.Background(), c)
	if err == nil {
		t.Fatal("no error")
	}
	var e *api.Error
	errors.As(err, &e)
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	closed, _ := api.New(srv.URL, testToken, api.WithMaxRetries(0))
	_, dialErr := closed.GetServer(context.Background(), 1)
	_, newErr := api.New("http://remote.example", testToken)
	for _, v := range []any{c, err, e, *e, dialErr, newErr} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			if out := fmt.Sprintf(verb, v); strings.Contains(out, testToken) {
				t.Errorf("%s of %T shows the token: %s", verb, v, out)
			}
		}
	}
}

func TestWithHTTPClientLeavesCallersClientAlone(t *testing.T) {
	hc := &http.Client{}
	redirect := step{status: 302, header: map[string]string{"Location": "/elsewhere/"}}
	c, _ := serve(t, &script{steps: []step{redirect}}, api.WithHTTPClient(hc))
	if _, err := c.GetServer(context.Background(), 1); err == nil || !strings.Contains(err.Error(), "302 Found") {
		t.Errorf("a redirect must be reported, not followed: %v", err)
	}
	if hc.CheckRedirect != nil || hc.Transport != nil {
		t.Error("New modified the caller's http.Client")
	}
}
