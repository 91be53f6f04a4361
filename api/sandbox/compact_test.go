package sandbox

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

// TestCompaction serves creates and patches from 8 connections to an
// account that compacts its journal every 4 KiB of changes: the journal
// stays near that bound, the snapshot moves on, and the files as a crash
// would leave them, and after Close, hold every change.
func TestCompaction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := serveAccount(t, Options{StatePath: path, Token: testToken, Empty: true, Seed: 1, Credits: 1 << 40, compactAfter: 4 << 10})
	s.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	const workers, each = 8, 30
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				name := "w" + strconv.Itoa(w) + "-" + strconv.Itoa(i)
				r := s.do("POST", "/api/v1/servers/", `{"name":"`+name+`","plan_id":1,"os_id":5,"location":"us-west"}`)
				if r.status != http.StatusCreated {
					t.Errorf("create %s: %d %s", name, r.status, r.body)
					return
				}
				id := strconv.Itoa(int(decode(t, r.body)["id"].(float64)))
				s.do("PATCH", "/api/v1/servers/"+id+"/", `{"hostname":"`+name+`.example.com"}`)
			}
		})
	}
	wg.Wait()
	s.account.mu.Lock()
	s.account.waitCompactionLocked()
	seq, since := s.account.seq, s.account.store.sinceSnapshot
	s.account.mu.Unlock()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := decodeState(data)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Seq == 0 || since > 8<<10 {
		t.Errorf("after %d changes: snapshot at change %d, %d bytes of journal after it; want compactions to keep the journal near 4 KiB", seq, snap.Seq, since)
	}
	crashed := crashCopy(t, path)
	s.close()
	for _, p := range []string{crashed, path} {
		b := mustNew(t, p)
		b.mu.Lock()
		n, patched := len(b.servers), 0
		for _, r := range b.servers {
			if r.Hostname == r.Name+".example.com" {
				patched++
			}
		}
		b.mu.Unlock()
		b.Close()
		if n != workers*each || patched != workers*each {
			t.Errorf("%s: %d servers, %d patched; want %d of each", p, n, patched, workers*each)
		}
	}
	if _, err := os.Stat(path + ".journal"); !os.IsNotExist(err) {
		t.Errorf("journal after Close: %v, want none", err)
	}
}
