package sandbox

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestPersistence shares one state file between two accounts, one after
// the other: servers, their timelines, credits and the next id survive.
func TestPersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dir", "sandbox.json")
	clock := newFakeClock(docTime)
	opts := Options{StatePath: path, Token: testToken, Now: clock.Now, Seed: 1,
		ProvisionDelay: 3 * time.Second, TransitionDelay: time.Second, Credits: 100}

	first := serveAccount(t, opts)
	id := first.create("web", 2)
	first.mustDo("PATCH", "/api/v1/servers/12346/", `{"hostname":"db.example.org"}`, http.StatusOK)
	first.mustDo("POST", "/api/v1/servers/12345/stop/", "", http.StatusOK)
	first.mustDo("DELETE", "/api/v1/servers/12346/", "", http.StatusNoContent)
	before := first.mustDo("GET", "/api/v1/servers/12345/", "", http.StatusOK).body
	beforeNew := first.mustDo("GET", fmt.Sprintf("/api/v1/servers/%d/", id), "", http.StatusOK).body
	first.close()

	if _, err := os.Stat(path + ".lock"); err != nil {
		t.Errorf("lock file: %v", err)
	}
	second := serveAccount(t, opts)
	defer second.close()
	if got := second.mustDo("GET", "/api/v1/servers/12345/", "", http.StatusOK).body; string(got) != string(before) {
		t.Errorf("server 12345 changed across processes:\n%s\n%s", before, got)
	}
	if got := second.mustDo("GET", fmt.Sprintf("/api/v1/servers/%d/", id), "", http.StatusOK).body; string(got) != string(beforeNew) {
		t.Errorf("server %d changed across processes:\n%s\n%s", id, beforeNew, got)
	}
	second.mustDo("GET", "/api/v1/servers/12346/", "", http.StatusNotFound)
	// The status is still computed from the stored timeline.
	clock.Advance(3 * time.Second)
	if got := second.status(12345); got != "stopped" {
		t.Errorf("12345 status %s, want stopped", got)
	}
	if got := second.status(id); got != "active" {
		t.Errorf("%d status %s, want active", id, got)
	}
	// Credits were 100, 20 spent: 80 left, so plan 2 four times, then 402.
	for range 4 {
		second.create("more", 2)
	}
	second.mustDo("POST", "/api/v1/servers/", `{"name":"x","plan_id":1,"os_id":5,"location":"us-west"}`, http.StatusPaymentRequired)
	p := second.list("/api/v1/servers/")
	if last := p.Results[len(p.Results)-1].ID; last != id+4 {
		t.Errorf("last id %d, want %d: ids continue after a restart", last, id+4)
	}
}

// TestLock checks a second account cannot open a state file in use, and
// can once the first is closed.
func TestLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.json")
	a, err := New(Options{StatePath: path, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(Options{StatePath: path, Token: testToken})
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second New: %v, want an error naming %s and saying it is in use", err, path)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Error("error reveals the token")
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close: %v, want nil", err)
	}
	b, err := New(Options{StatePath: path, Token: testToken})
	if err != nil {
		t.Fatalf("New after Close: %v", err)
	}
	b.Close()
}

// TestForeignStateFile checks files that are not this format's state are
// refused with a clear error, and left alone.
func TestForeignStateFile(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    string
	}{
		{"empty", "", "empty"},
		{"not json", "hello", "not a vpsfleet sandbox state file"},
		{"other json", `{"servers":{}}`, "not a vpsfleet sandbox state file"},
		{"no format", `{"version":1,"next_id":1,"credits":1,"servers":[]}`, "not a vpsfleet sandbox state file"},
		{"newer version", `{"format":"vpsfleet-sandbox","version":2,"next_id":1,"credits":1,"servers":[]}`, "version 2"},
		{"bad plan", `{"format":"vpsfleet-sandbox","version":1,"next_id":1,"credits":1,"servers":[{"id":5,"plan_id":99,"os_id":5,"phase":"provision"}]}`, "unknown plan_id 99"},
		{"duplicate id", `{"format":"vpsfleet-sandbox","version":1,"next_id":1,"credits":1,"servers":[{"id":5,"plan_id":1,"os_id":5,"phase":"stop"},{"id":5,"plan_id":1,"os_id":5,"phase":"stop"}]}`, "duplicate id 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := New(Options{StatePath: path})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("New: %v, want an error naming the file and saying %q", err, tt.want)
			}
			if data, _ := os.ReadFile(path); string(data) != tt.content {
				t.Error("the foreign file was modified")
			}
			// The lock was released: a valid file can now be used.
			os.Remove(path)
			a, err := New(Options{StatePath: path})
			if err != nil {
				t.Fatalf("lock not released after a refused file: %v", err)
			}
			a.Close()
		})
	}
}

// TestCloseFlushes checks Close writes changes made just before it, and
// that a closed account refuses requests.
func TestCloseFlushes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	a, err := New(Options{StatePath: path, Token: testToken, Empty: true})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := a.Import([]ServerSpec{{Name: "a", PlanID: 1, OSID: 5, Location: "us-east", Stopped: true}})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := decodeState(data)
	if err != nil || len(st.Servers) != 1 || st.Servers[0].ID != ids[0] {
		t.Fatalf("state after Close: %v %s", err, data)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/api/v1/servers/", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	a.ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("request after Close: %d, want 503", rec.Code)
	}
	if _, err := a.Import(nil); err == nil {
		t.Error("Import after Close succeeded")
	}
}

// TestImportRejects checks Import refuses invalid specs, adding nothing.
func TestImportRejects(t *testing.T) {
	a, err := New(Options{Empty: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	_, err = a.Import([]ServerSpec{
		{Name: "ok", PlanID: 1, OSID: 5, Location: "us-west"},
		{Name: "9bad", PlanID: 7, OSID: 5, Location: "mars", Hostname: "x"},
	})
	if err == nil {
		t.Fatal("Import accepted an invalid spec")
	}
	for _, want := range []string{"server 1", "name", "plan_id", "location", "hostname"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if len(a.servers) != 0 {
		t.Errorf("%d servers imported despite the error", len(a.servers))
	}
}

// TestRedaction checks printing options or an account never shows the
// token.
func TestRedaction(t *testing.T) {
	opts := Options{Token: testToken}
	a, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{opts, &opts, a} {
			if out := fmt.Sprintf(f, v); strings.Contains(out, testToken) {
				t.Errorf("%s of %T reveals the token: %s", f, v, out)
			}
		}
	}
}

// TestOptionsChecked checks New refuses nonsense options.
func TestOptionsChecked(t *testing.T) {
	for _, o := range []Options{
		{ProvisionDelay: -1}, {TransitionDelay: -1}, {Latency: -1},
		{FaultRate: 1.5}, {DropRate: -0.1}, {RateLimit: -1},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%v) accepted", o)
		}
	}
}

// servedAccount is an account on a state file, served over HTTP.
type servedAccount struct {
	*testServer
}

func serveAccount(t *testing.T, opts Options) servedAccount {
	t.Helper()
	a, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(a)
	return servedAccount{&testServer{t: t, account: a, srv: srv, client: srv.Client()}}
}

func (s servedAccount) close() {
	s.t.Helper()
	s.srv.Close()
	if err := s.account.Close(); err != nil {
		s.t.Fatalf("Close: %v", err)
	}
}

// TestAnsweredChangeOnDisk checks changes reach the state files without
// Close: each is on disk (snapshot plus journal) by the time it is
// answered, with no wait.
func TestAnsweredChangeOnDisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := serveAccount(t, Options{StatePath: path, Token: testToken, Empty: true})
	defer s.close()
	id := s.create("web", 1)
	disk := readStateFiles(t, path)
	if len(disk.servers) != 1 || disk.servers[0].ID != id || disk.nextID != id+1 {
		t.Fatalf("on disk after the 201: %d servers, next id %d; want server %d and next id %d", len(disk.servers), disk.nextID, id, id+1)
	}
	s.mustDo("DELETE", "/api/v1/servers/"+itoa(int(id))+"/", "", http.StatusNoContent)
	if disk := readStateFiles(t, path); len(disk.servers) != 0 || disk.nextID != id+1 {
		t.Fatalf("on disk after the 204: %d servers, next id %d; want none and next id %d", len(disk.servers), disk.nextID, id+1)
	}
}

// readStateFiles reads the account the state files at path hold (the
// snapshot and the journal's changes after it) without taking the lock.
func readStateFiles(t *testing.T, path string) *Account {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := decodeState(data)
	if err != nil {
		t.Fatal(err)
	}
	a := newAccount(Options{}.withDefaults())
	a.restore(st)
	f, err := os.Open(path + ".journal")
	if errors.Is(err, fs.ErrNotExist) {
		return a
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := scanJournal(f, 0, a.replayNextLocked); err != nil {
		t.Fatalf("journal: %v", err)
	}
	return a
}

// TestLatency checks Latency delays /api answers (a lower bound only).
func TestLatency(t *testing.T) {
	const latency = 20 * time.Millisecond
	s := newTestServer(t, Options{Latency: latency})
	start := time.Now()
	s.mustDo("GET", "/api/v1/servers/", "", http.StatusOK)
	if took := time.Since(start); took < latency {
		t.Errorf("answered in %s, want at least %s", took, latency)
	}
}

// TestCrashMidWrite kills a process (SIGKILL, no Close) while it rewrites
// the state file as fast as it can, then opens the file in this process:
// the lock died with the process, the file is a whole state (the old or
// the new, never a mix), and the temporary file the killed writer may have
// left is cleaned away.
func TestCrashMidWrite(t *testing.T) {
	if path := os.Getenv("SANDBOX_CRASH_WRITER"); path != "" {
		crashWriter(path)
		return
	}
	path := filepath.Join(t.TempDir(), "state.json")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashMidWrite$")
	cmd.Env = append(os.Environ(), "SANDBOX_CRASH_WRITER="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The writer says "writing" once its first flush is on disk and it is
	// rewriting the file in a loop.
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "writing\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("writer process did not start writing: %q, %v", line, err)
	}
	cmd.Process.Kill()
	cmd.Wait()

	a, err := New(Options{StatePath: path, Token: testToken})
	if err != nil {
		t.Fatalf("opening the state file of a killed process: %v", err)
	}
	defer a.Close()
	if n := len(a.servers); n < 1 {
		t.Errorf("%d servers after the crash, want at least the first flushed one", n)
	}
	if stale, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".state.json.tmp*")); len(stale) != 0 {
		t.Errorf("temporary files left after opening: %v", stale)
	}
}

// crashWriter is the process TestCrashMidWrite kills: it adds servers and
// flushes the state file after each, until it is killed.
func crashWriter(path string) {
	a, err := New(Options{StatePath: path, Token: testToken, Empty: true, Credits: 1 << 40})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	specs := make([]ServerSpec, 50)
	for i := range specs {
		specs[i] = ServerSpec{Name: "web-" + strconv.Itoa(i), PlanID: 1, OSID: 5, Location: "us-west"}
	}
	for i := 0; ; i++ {
		if _, err := a.Import(specs); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		if err := a.flush(); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		if i == 0 {
			fmt.Println("writing")
		}
	}
}

// TestStaleTempRemoved checks a temporary file left by a writer killed
// before its rename is removed when the state file is next opened, and
// that the state itself is the last one committed.
func TestStaleTempRemoved(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	a, err := New(Options{StatePath: path, Token: testToken, Empty: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Import([]ServerSpec{{Name: "a", PlanID: 1, OSID: 5, Location: "us-east"}}); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, ".state.json.tmp123")
	if err := os.WriteFile(stale, []byte(`{"format":"vpsfleet-sand`), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := New(Options{StatePath: path, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale temporary file still there: %v", err)
	}
	if len(b.servers) != 1 || b.servers[0].Name != "a" {
		t.Errorf("state after reopening: %d servers, want the one committed", len(b.servers))
	}
}

// TestChangeAfterCloseRefused serves requests that got past ServeHTTP's
// closed check before Close ran (by calling the route handlers directly
// after Close): each is answered 503 and changes nothing, so no change is
// acknowledged that Close did not write to the state file.
func TestChangeAfterCloseRefused(t *testing.T) {
	tests := []struct {
		name  string
		serve func(a *Account, w http.ResponseWriter)
	}{
		{"create", func(a *Account, w http.ResponseWriter) {
			r := httptest.NewRequest("POST", "/api/v1/servers/", strings.NewReader(`{"name":"late","plan_id":1,"os_id":5,"location":"us-west"}`))
			a.serveCreate(w, r, false)
		}},
		{"patch", func(a *Account, w http.ResponseWriter) {
			r := httptest.NewRequest("PATCH", "/api/v1/servers/12345/", strings.NewReader(`{"name":"late"}`))
			a.serveUpdate(w, r, 12345, true)
		}},
		{"delete", func(a *Account, w http.ResponseWriter) { a.serveDelete(w, 12345) }},
		{"stop", func(a *Account, w http.ResponseWriter) { a.serveAction(w, 12345, "stop") }},
		{"suspend", func(a *Account, w http.ResponseWriter) { a.serveSuspend(w, 12345, true) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			a, err := New(Options{StatePath: path, Token: testToken, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Close(); err != nil {
				t.Fatal(err)
			}
			saved, _ := os.ReadFile(path)
			w := httptest.NewRecorder()
			tt.serve(a, w)
			if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "closed") {
				t.Errorf("answer %d %s, want 503 saying the account is closed", w.Code, w.Body)
			}
			if rec := a.byID[12345]; len(a.servers) != 2 || rec == nil || rec.Name != "web-server-01" || rec.Suspended || rec.Phase != phaseProvision {
				t.Errorf("the closed account changed: %d servers, 12345 = %+v", len(a.servers), rec)
			}
			if now, _ := os.ReadFile(path); string(now) != string(saved) {
				t.Error("the state file changed after Close")
			}
		})
	}
}
