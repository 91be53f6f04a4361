package sandbox

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// serveOn serves a on a new test server sharing clock.
func serveOn(t *testing.T, a *Account, clock *fakeClock) *testServer {
	t.Helper()
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	return &testServer{t: t, account: a, clock: clock, srv: srv, client: srv.Client()}
}

// sameListing checks two accounts list the same servers, every field of
// every page, filtered and not.
func sameListing(t *testing.T, want, got *testServer, when string) {
	t.Helper()
	for _, q := range []string{"", "?status=stopped", "?location=us-east", "?status=active&location=us-west"} {
		for page := 1; ; page++ {
			path := "/api/v1/servers/" + q
			sep := "?"
			if q != "" {
				sep = "&"
			}
			path += sep + "page=" + strconv.Itoa(page)
			w, g := want.do("GET", path, ""), got.do("GET", path, "")
			w.body = []byte(strings.ReplaceAll(string(w.body), want.srv.URL, ""))
			g.body = []byte(strings.ReplaceAll(string(g.body), got.srv.URL, ""))
			if w.status != g.status || string(w.body) != string(g.body) {
				t.Fatalf("%s: GET %s: the reader answers %d %.200s; the writer %d %.200s", when, path, g.status, g.body, w.status, w.body)
			}
			if w.status != http.StatusOK || !strings.Contains(string(w.body), `"next":"`) {
				break
			}
		}
	}
}

// TestReadOnlyIfLocked opens a state file that another account holds:
// with ReadOnlyIfLocked it is read-only, follows every change the holder
// makes (compactions included), refuses every change itself with 423,
// and still reads once the holder has closed.
func TestReadOnlyIfLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	clock := newFakeClock(docTime)
	opts := Options{StatePath: path, Token: testToken, Now: clock.Now, Seed: 1, PageSize: 7,
		ProvisionDelay: 2 * time.Second, TransitionDelay: time.Second, compactAfter: 4 << 10}
	writer, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	w := serveOn(t, writer, clock)
	w.create("a", 1)

	ropts := opts
	ropts.ReadOnlyIfLocked = true
	reader, err := New(ropts)
	if err != nil {
		t.Fatalf("New with ReadOnlyIfLocked on a held state file: %v", err)
	}
	defer reader.Close()
	if !reader.ReadOnly() || writer.ReadOnly() {
		t.Fatalf("ReadOnly: reader %t, writer %t", reader.ReadOnly(), writer.ReadOnly())
	}
	r := serveOn(t, reader, clock)
	sameListing(t, w, r, "at open")

	for i := range 60 { // creates, patches, stops, deletes: several compactions
		id := strconv.FormatInt(w.create("web-"+itoa(i), 1), 10)
		w.mustDo("PATCH", "/api/v1/servers/"+id+"/", `{"hostname":"web-`+itoa(i)+`.example.com"}`, http.StatusOK)
		if i%10 == 0 {
			clock.Advance(2 * time.Second)
			w.mustDo("POST", "/api/v1/servers/"+id+"/stop/", "", http.StatusOK)
			sameListing(t, w, r, fmt.Sprintf("after change %d", i))
		}
		if i%3 == 1 {
			w.mustDo("DELETE", "/api/v1/servers/"+id+"/", "", http.StatusNoContent)
		}
	}
	sameListing(t, w, r, "after 60 servers")
	got := r.mustDo("GET", "/api/v1/servers/12346/", "", http.StatusOK).body
	if want := w.mustDo("GET", "/api/v1/servers/12346/", "", http.StatusOK).body; string(got) != string(want) {
		t.Errorf("detail differs:\n%s\n%s", got, want)
	}

	before := w.serverCount()
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/api/v1/servers/", `{"name":"x","plan_id":1,"os_id":5,"location":"us-west"}`},
		{"PUT", "/api/v1/servers/12345/", `{"name":"x","hostname":"x.example.com","backups_enabled":false}`},
		{"PATCH", "/api/v1/servers/12345/", `{"name":"x"}`},
		{"DELETE", "/api/v1/servers/12345/", ""},
		{"POST", "/api/v1/servers/12345/reboot/", ""},
		{"POST", "/_sandbox/servers/12345/suspend/", ""},
	} {
		res := r.do(c.method, c.path, c.body)
		detail := string(res.body)
		if res.status != http.StatusLocked || !strings.Contains(detail, "Another process holds the sandbox state") ||
			!strings.Contains(detail, path) || !strings.Contains(detail, "Retry when that process ends") {
			t.Errorf("%s %s on the reader: %d %s, want 423 saying another process holds the state and to retry", c.method, c.path, res.status, detail)
		}
	}
	if _, err := reader.Import([]ServerSpec{spec1("x")}); err == nil || !strings.Contains(err.Error(), "Another process holds") {
		t.Errorf("Import on the reader: %v", err)
	}
	if n := w.serverCount(); n != before {
		t.Errorf("the writer has %d servers after the reader's refusals, had %d", n, before)
	}
	// Reads are still answered as usual: 404, 405, 400.
	r.mustDo("GET", "/api/v1/servers/99999/", "", http.StatusNotFound)
	r.mustDo("PUT", "/api/v1/servers/", "", http.StatusMethodNotAllowed)
	r.mustDo("GET", "/api/v1/servers/?status=nope", "", http.StatusBadRequest)

	w.create("last", 2)
	final := w.list("/api/v1/servers/?page=last")
	w.srv.Close()
	if err := writer.Close(); err != nil {
		t.Fatal(err)
	}
	if got := r.list("/api/v1/servers/?page=last"); got.Count != final.Count || fmt.Sprint(got.Results) != fmt.Sprint(final.Results) {
		t.Errorf("after the writer closed, the reader lists %d: %v; want %d: %v", got.Count, got.Results, final.Count, final.Results)
	}
	// The lock is free now: a new account is writable again.
	again, err := New(ropts)
	if err != nil || again.ReadOnly() {
		t.Fatalf("New with ReadOnlyIfLocked once the lock is free: %v, read-only %t", err, again != nil && again.ReadOnly())
	}
	again.Close()
}

// TestReadOnlyIfLockedLockFree checks the option changes nothing when the
// lock is free: the account is writable and holds the lock, so another
// account without the option is refused as before.
func TestReadOnlyIfLockedLockFree(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	a, err := New(Options{StatePath: path, Token: testToken, ReadOnlyIfLocked: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.ReadOnly() {
		t.Fatal("read-only with the lock free")
	}
	if _, err := a.Import([]ServerSpec{spec1("a")}); err != nil {
		t.Errorf("Import: %v", err)
	}
	if _, err := New(Options{StatePath: path, Token: testToken}); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("New without the option on a held file: %v, want in use", err)
	}
}

// TestReadOnlyAcrossProcesses has a child process serve the state file
// over HTTP (compacting every 8 KiB) while this one opens it with
// ReadOnlyIfLocked: the reader sees each server the child answered, and
// refuses changes.
func TestReadOnlyAcrossProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	cmd, base := startServing(t, path)
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	client := &http.Client{Timeout: 10 * time.Second}
	create := func(name string) {
		status, body, err := crashRequest(client, "POST", base+"/api/v1/servers/", `{"name":"`+name+`","plan_id":1,"os_id":5,"location":"us-west"}`)
		if err != nil || status != http.StatusCreated {
			t.Fatalf("create %s in the child: %d %s %v", name, status, body, err)
		}
	}
	for i := range 40 {
		create("first-" + itoa(i))
	}
	reader, err := New(Options{StatePath: path, Token: testToken, ReadOnlyIfLocked: true, PageSize: 1000})
	if err != nil {
		t.Fatalf("New read-only while the child holds the lock: %v", err)
	}
	defer reader.Close()
	r := serveOn(t, reader, nil)
	if p := r.list("/api/v1/servers/"); p.Count != 40 {
		t.Errorf("the reader lists %d servers, want the 40 the child answered", p.Count)
	}
	for i := range 40 {
		create("second-" + itoa(i))
	}
	p := r.list("/api/v1/servers/")
	if p.Count != 80 || p.Results[79].Name != "second-39" {
		t.Errorf("the reader lists %d servers, want 80 ending with second-39", p.Count)
	}
	if res := r.do("POST", "/api/v1/servers/", `{"name":"x","plan_id":1,"os_id":5,"location":"us-west"}`); res.status != http.StatusLocked {
		t.Errorf("create on the reader: %d %s, want 423", res.status, res.body)
	}
}
