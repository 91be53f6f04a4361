package sandbox

import (
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// spyFile is a journal file that records how far it was written and how
// far synced, and can hold every Sync until released.
type spyFile struct {
	journalFile

	mu      sync.Mutex
	written int64 // end of the furthest write
	synced  int64 // written, as of the last Sync
	syncs   int
	gate    chan struct{} // non-nil: Sync waits until it is closed
	entered chan struct{} // gets a value each time a Sync starts waiting
}

func (f *spyFile) WriteAt(p []byte, off int64) (int, error) {
	n, err := f.journalFile.WriteAt(p, off)
	f.mu.Lock()
	f.written = max(f.written, off+int64(n))
	f.mu.Unlock()
	return n, err
}

func (f *spyFile) Sync() error {
	f.mu.Lock()
	gate, entered := f.gate, f.entered
	f.mu.Unlock()
	if gate != nil {
		entered <- struct{}{}
		<-gate
	}
	err := f.journalFile.Sync()
	f.mu.Lock()
	f.synced = f.written
	f.syncs++
	f.mu.Unlock()
	return err
}

// counts returns the bytes written but not yet synced, and the syncs.
func (f *spyFile) counts() (unsynced int64, syncs int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.written - f.synced, f.syncs
}

// spyOn puts a spy between the account's journal and its file.
func spyOn(a *Account) *spyFile {
	j := a.store.journal
	j.fileMu.Lock()
	defer j.fileMu.Unlock()
	spy := &spyFile{journalFile: j.file}
	j.file = spy
	return spy
}

// TestAnswerAfterSync checks every kind of change is written and synced
// before it is answered, and that a read costs no sync.
func TestAnswerAfterSync(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := serveAccount(t, Options{StatePath: path, Token: testToken, Seed: 1})
	defer s.close()
	spy := spyOn(s.account)
	id := strconv.FormatInt(s.create("web", 1), 10)
	steps := []struct {
		method, path, body string
		status             int
		change             bool
	}{
		{"PUT", "/api/v1/servers/" + id + "/", `{"name":"web-2","hostname":"web.example.com","backups_enabled":true}`, 200, true},
		{"PATCH", "/api/v1/servers/" + id + "/", `{"backups_enabled":false}`, 200, true},
		{"POST", "/api/v1/servers/" + id + "/stop/", "", 200, true},
		{"POST", "/api/v1/servers/" + id + "/start/", "", 200, true},
		{"POST", "/api/v1/servers/" + id + "/reboot/", "", 200, true},
		{"POST", "/_sandbox/servers/" + id + "/suspend/", "", 200, true},
		{"POST", "/_sandbox/servers/" + id + "/unsuspend/", "", 200, true},
		{"DELETE", "/api/v1/servers/" + id + "/", "", 204, true},
		{"GET", "/api/v1/servers/", "", 200, false},
		{"GET", "/api/v1/servers/12345/", "", 200, false},
		{"POST", "/api/v1/servers/12345/start/", "", 400, false},
	}
	_, before := spy.counts()
	for _, st := range steps {
		s.mustDo(st.method, st.path, st.body, st.status)
		unsynced, syncs := spy.counts()
		if unsynced != 0 {
			t.Errorf("%s %s answered with %d bytes of the journal not synced", st.method, st.path, unsynced)
		}
		if st.change && syncs == before {
			t.Errorf("%s %s answered without a sync", st.method, st.path)
		}
		if !st.change && syncs != before {
			t.Errorf("%s %s, which changes nothing, cost %d syncs", st.method, st.path, syncs-before)
		}
		before = syncs
	}
	if _, err := s.account.Import([]ServerSpec{spec1("imported")}); err != nil {
		t.Fatal(err)
	}
	if unsynced, syncs := spy.counts(); unsynced != 0 || syncs == before {
		t.Errorf("Import returned with %d bytes not synced, %d syncs", unsynced, syncs-before)
	}
}

func spec1(name string) ServerSpec {
	return ServerSpec{Name: name, PlanID: 1, OSID: 5, Location: "us-west"}
}

// TestGroupCommit holds the journal's fsync while 20 creates arrive from
// 20 connections: they all share the next fsync.
func TestGroupCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := serveAccount(t, Options{StatePath: path, Token: testToken, Empty: true, Seed: 1})
	defer s.close()
	s.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
	spy := spyOn(s.account)
	s.create("first", 1) // extends the file, so later groups need one sync each

	gate := make(chan struct{})
	spy.mu.Lock()
	spy.gate, spy.entered = gate, make(chan struct{}, 1)
	spy.mu.Unlock()
	_, before := spy.counts()

	var wg sync.WaitGroup
	wg.Go(func() { s.create("held", 1) })
	<-spy.entered // the committer is in the fsync of "held"
	const parallel = 20
	for i := range parallel {
		wg.Go(func() { s.create("web-"+strconv.Itoa(i), 1) })
	}
	for { // until all 20 are in the journal's pending group
		s.account.mu.Lock()
		seq := s.account.seq
		s.account.mu.Unlock()
		if seq == 2+parallel {
			break
		}
		time.Sleep(time.Millisecond)
	}
	spy.mu.Lock()
	spy.gate = nil
	spy.mu.Unlock()
	close(gate)
	wg.Wait()
	if _, syncs := spy.counts(); syncs-before != 2 {
		t.Errorf("%d creates took %d fsyncs, want 2: the held one, and one for the %d that arrived meanwhile", parallel+1, syncs-before, parallel)
	}
	if n := s.serverCount(); n != parallel+2 {
		t.Errorf("%d servers, want %d", n, parallel+2)
	}
}

// TestJournalWriteFails makes the journal's file refuse writes (it is
// swapped for /dev/full): the change is answered 500 saying why and what
// to do, every later request too, and Close reports it.
func TestJournalWriteFails(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs /dev/full")
	}
	path := filepath.Join(t.TempDir(), "state.json")
	s := serveAccount(t, Options{StatePath: path, Token: testToken, Seed: 1})
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip(err)
	}
	j := s.account.store.journal
	j.fileMu.Lock()
	real := j.file
	j.file = full
	j.fileMu.Unlock()
	defer real.Close()

	r := s.do("POST", "/api/v1/servers/", `{"name":"lost","plan_id":1,"os_id":5,"location":"us-west"}`)
	detail := string(r.body)
	if r.status != http.StatusInternalServerError {
		t.Fatalf("create on a full disk: %d %s, want 500", r.status, r.body)
	}
	for _, want := range []string{path + ".journal", "no space left on device", "restart"} {
		if !strings.Contains(detail, want) {
			t.Errorf("500 detail %s does not say %q", detail, want)
		}
	}
	if strings.Contains(detail, testToken) {
		t.Error("the answer reveals the token")
	}
	for _, req := range [][2]string{{"GET", "/api/v1/servers/"}, {"GET", "/api/v1/servers/12345/"}, {"DELETE", "/api/v1/servers/12345/"}} {
		if r := s.do(req[0], req[1], ""); r.status != http.StatusInternalServerError {
			t.Errorf("%s %s after the failure: %d %s, want 500", req[0], req[1], r.status, r.body)
		}
	}
	if _, err := s.account.Import([]ServerSpec{spec1("x")}); err == nil {
		t.Error("Import after the failure succeeded")
	}
	s.srv.Close()
	if err := s.account.Close(); err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Errorf("Close: %v, want the journal's failure", err)
	}
	b, err := New(Options{StatePath: path, Token: testToken})
	if err != nil {
		t.Fatalf("reopening after the failure: %v", err)
	}
	defer b.Close()
	if n := len(b.servers); n != 2 {
		t.Errorf("%d servers after reopening, want the 2 that were saved", n)
	}
}
