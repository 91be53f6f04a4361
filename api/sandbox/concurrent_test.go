package sandbox

import (
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

// TestConcurrent serves creates, reads, updates and lists from many
// goroutines against a persisted account; run with -race it checks the
// locking, and afterwards every create is in the state file once.
func TestConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := serveAccount(t, Options{StatePath: path, Token: testToken, Empty: true, Seed: 1})
	const workers, each = 8, 25
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				name := "w" + strconv.Itoa(w) + "-" + strconv.Itoa(i)
				r := s.do("POST", "/api/v1/servers/", `{"name":"`+name+`","plan_id":1,"os_id":5,"location":"us-west"}`)
				if r.err != nil || r.status != http.StatusCreated {
					t.Errorf("create %s: %v %d %s", name, r.err, r.status, r.body)
					return
				}
				id := strconv.Itoa(int(decode(t, r.body)["id"].(float64)))
				s.do("PATCH", "/api/v1/servers/"+id+"/", `{"backups_enabled":true}`)
				s.do("POST", "/api/v1/servers/"+id+"/stop/", "")
				s.do("GET", "/api/v1/servers/?status=stopped", "")
				s.doAuth("GET", "/_sandbox/stats", "", "")
			}
		})
	}
	wg.Wait()
	s.close()

	b := serveAccount(t, Options{StatePath: path, Token: testToken})
	defer b.close()
	p := b.list("/api/v1/servers/?status=stopped")
	if p.Count != workers*each {
		t.Errorf("%d stopped servers in the state file, want %d", p.Count, workers*each)
	}
}
