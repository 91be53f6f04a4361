package sandbox

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestIDList checks the chunked list against a plain sorted slice over
// random inserts and removes, reading random ranges.
func TestIDList(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var l idList
	var want []*record
	recs := map[int64]*record{}
	for step := range 20000 {
		id := int64(rng.IntN(3000))
		if r, ok := recs[id]; ok && rng.IntN(3) > 0 {
			l.remove(r)
			delete(recs, id)
			i, _ := slices.BinarySearchFunc(want, id, func(r *record, id int64) int { return int(r.ID - id) })
			want = slices.Delete(want, i, i+1)
		} else if !ok {
			r := &record{ID: id}
			if rng.IntN(2) == 0 { // mostly new highest ids, as creates make
				r.ID = 3000 + int64(step)
			}
			if recs[r.ID] != nil {
				continue
			}
			recs[r.ID] = r
			l.insert(r)
			i, _ := slices.BinarySearchFunc(want, r.ID, func(r *record, id int64) int { return int(r.ID - id) })
			want = slices.Insert(want, i, r)
		}
		if l.len() != len(want) {
			t.Fatalf("step %d: len %d, want %d", step, l.len(), len(want))
		}
		lo := rng.IntN(len(want) + 1)
		hi := min(len(want), lo+rng.IntN(60))
		if got := l.appendRange(nil, lo, hi); !slices.Equal(got, want[lo:hi]) {
			t.Fatalf("step %d: range %d-%d differs", step, lo, hi)
		}
	}
	for _, c := range l.chunks {
		if len(c) == 0 || len(c) > idListChunk {
			t.Fatalf("chunk of %d servers", len(c))
		}
	}
}

// TestIndexMatchesScan drives an account through random creates, power
// actions, suspensions, deletes and clock moves (forwards, and sometimes
// back), and checks after each that every filtered listing, read from
// the index, is what a scan of every server's status says.
func TestIndexMatchesScan(t *testing.T) {
	clock := newFakeClock(docTime)
	a, err := New(Options{Token: testToken, Now: clock.Now, Seed: 3, Credits: 1 << 40, PageSize: 1000,
		ProvisionDelay: 3 * time.Second, TransitionDelay: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	serve := func(method, path, body string) int {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+testToken)
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, req)
		return rec.Code
	}
	rng := rand.New(rand.NewPCG(5, 6))
	locs := []string{"us-west", "us-east", "eu-central"}
	var ids []int64
	for step := range 1500 {
		switch op := rng.IntN(10); {
		case op < 3 || len(ids) == 0:
			body := `{"name":"s` + strconv.Itoa(step) + `","plan_id":1,"os_id":5,"location":"` + locs[rng.IntN(3)] + `"}`
			serve("POST", "/api/v1/servers/", body)
			ids = append(ids, a.nextID-1)
		case op < 6:
			id := strconv.FormatInt(ids[rng.IntN(len(ids))], 10)
			serve("POST", "/api/v1/servers/"+id+"/"+[]string{"start", "stop", "reboot"}[rng.IntN(3)]+"/", "")
		case op < 7:
			id := strconv.FormatInt(ids[rng.IntN(len(ids))], 10)
			serve("POST", "/_sandbox/servers/"+id+"/"+[]string{"suspend", "unsuspend"}[rng.IntN(2)]+"/", "")
		case op < 8:
			i := rng.IntN(len(ids))
			serve("DELETE", "/api/v1/servers/"+strconv.FormatInt(ids[i], 10)+"/", "")
			ids = slices.Delete(ids, i, i+1)
		case op < 9:
			clock.Advance(time.Duration(rng.IntN(2500)) * time.Millisecond)
		default:
			clock.Advance(-time.Duration(rng.IntN(1500)) * time.Millisecond)
		}
		if step%5 == 0 {
			checkIndex(t, a, step, locs)
		}
	}
}

// checkIndex compares every filtered list with a scan.
func checkIndex(t *testing.T, a *Account, step int, locs []string) {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.opts.Now()
	a.index.settle(now, a.servers)
	for _, loc := range append([]string{""}, locs...) {
		for status := range validStatuses {
			for _, key := range []indexKey{{loc, status}, {loc, ""}} {
				if key == (indexKey{}) {
					continue
				}
				var want []*record
				for _, r := range a.servers {
					if (key.location == "" || r.Location == key.location) && (key.status == "" || r.status(now) == key.status) {
						want = append(want, r)
					}
				}
				l := a.index.list(key)
				if got := l.appendRange(nil, 0, l.len()); !slices.Equal(got, want) {
					t.Fatalf("step %d: %+v lists %d servers, a scan finds %d", step, key, len(got), len(want))
				}
			}
		}
	}
}

// TestFilteredPagesWalk pages through a filtered listing while servers
// settle between pages: each page is read from the index as of its own
// request.
func TestFilteredPagesWalk(t *testing.T) {
	s := newTestServer(t, Options{Empty: true, PageSize: 10, ProvisionDelay: time.Second})
	for i := range 25 {
		s.create("web-"+itoa(i), 1)
	}
	if p := s.list("/api/v1/servers/?status=provisioning&page=3"); p.Count != 25 || len(p.Results) != 5 {
		t.Fatalf("provisioning: count %d, %d on page 3; want 25 and 5", p.Count, len(p.Results))
	}
	s.clock.Advance(time.Second)
	if p := s.list("/api/v1/servers/?status=provisioning"); p.Count != 0 {
		t.Errorf("provisioning after the delay: count %d, want 0", p.Count)
	}
	p := s.list("/api/v1/servers/?status=active&location=us-west&page=2")
	if p.Count != 25 || len(p.Results) != 10 || p.Results[0].ID != 12355 {
		t.Errorf("active in us-west, page 2: count %d, %d results from %d; want 25, 10 from 12355", p.Count, len(p.Results), p.Results[0].ID)
	}
	s.mustDo("GET", "/api/v1/servers/?status=active&page=4", "", http.StatusNotFound)
}
