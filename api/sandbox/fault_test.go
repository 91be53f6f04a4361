package sandbox

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// TestFaults checks the seeded fault rate: roughly the share asked for,
// all four kinds, decided before the request takes effect, and the same
// sequence for the same seed.
func TestFaults(t *testing.T) {
	const n = 1000
	run := func(seed int64) (outcomes []int, created int) {
		s := newTestServer(t, Options{Empty: true, FaultRate: 0.3, Seed: seed, Credits: 100000})
		kinds := map[int]int{}
		ok := 0
		for i := range n {
			r := s.do("POST", "/api/v1/servers/", `{"name":"w`+strconv.Itoa(i)+`","plan_id":1,"os_id":5,"location":"us-west"}`)
			code := r.status
			if r.err != nil {
				code = -1 // reset
			}
			outcomes = append(outcomes, code)
			kinds[code]++
			if code == http.StatusCreated {
				ok++
			}
		}
		for _, code := range []int{-1, 500, 502, 503} {
			if kinds[code] == 0 {
				t.Errorf("seed %d: no fault of kind %d in %d requests", seed, code, n)
			}
		}
		if share := float64(n-ok) / n; share < 0.25 || share > 0.35 {
			t.Errorf("seed %d: fault share %.3f, want about 0.3", seed, share)
		}
		if got := s.serverCount(); got != ok {
			t.Errorf("seed %d: %d servers for %d successful creates: a fault took effect", seed, got, ok)
		}
		if st := s.account.Stats(); st.Total != n {
			t.Errorf("stats total %d, want every request (%d) counted", st.Total, n)
		}
		return outcomes, ok
	}
	a, _ := run(7)
	b, _ := run(7)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("request %d: %d then %d with the same seed", i, a[i], b[i])
		}
	}
}

// TestFaultBodies checks what each fault answers.
func TestFaultBodies(t *testing.T) {
	s := newTestServer(t, Options{FaultRate: 1})
	seen := map[int]bool{}
	for range 200 {
		r := s.do("GET", "/api/v1/servers/", "")
		if r.err != nil {
			seen[-1] = true
			continue
		}
		seen[r.status] = true
		switch r.status {
		case 500, 502:
			if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("%d with Content-Type %q", r.status, ct)
			}
		case 503:
			if r.header.Get("Retry-After") == "" || decode(t, r.body)["detail"] == nil {
				t.Errorf("503 without Retry-After or detail: %s", r.body)
			}
		default:
			t.Fatalf("status %d with fault rate 1", r.status)
		}
	}
	if len(seen) != 4 {
		t.Errorf("saw %v, want all four fault kinds", seen)
	}
	// Provider routes never fail.
	for range 20 {
		if r := s.doAuth("GET", "/_sandbox/stats", "", ""); r.err != nil || r.status != 200 {
			t.Fatalf("/_sandbox/stats failed under faults: %v %d", r.err, r.status)
		}
	}
}

// TestDrop checks a dropped create commits the server though the client
// sees the connection close unanswered.
func TestDrop(t *testing.T) {
	s := newTestServer(t, Options{Empty: true, DropRate: 1})
	r := s.do("POST", "/api/v1/servers/", `{"name":"lost","plan_id":1,"os_id":5,"location":"us-west"}`)
	if r.err == nil {
		t.Fatalf("dropped create answered %d %s", r.status, r.body)
	}
	p := s.list("/api/v1/servers/?location=us-west")
	if p.Count != 1 || p.Results[0].Name != "lost" {
		t.Errorf("after a dropped create the account holds %+v, want the server", p)
	}
	// Invalid creates are answered, not dropped; other requests never are.
	s.mustDo("POST", "/api/v1/servers/", `{}`, http.StatusBadRequest)
	s.mustDo("PATCH", "/api/v1/servers/12345/", `{"name":"x"}`, http.StatusOK)

	half := newTestServer(t, Options{Empty: true, DropRate: 0.5, Seed: 3})
	answered, dropped := 0, 0
	for i := range 200 {
		r := half.do("POST", "/api/v1/servers/", `{"name":"w`+strconv.Itoa(i)+`","plan_id":1,"os_id":5,"location":"us-west"}`)
		if r.err != nil {
			dropped++
		} else {
			answered++
		}
	}
	if dropped < 70 || dropped > 130 {
		t.Errorf("%d of 200 creates dropped, want about 100", dropped)
	}
	if got := half.serverCount(); got != 200 {
		t.Errorf("%d servers after 200 creates (%d answered), want all committed", got, answered)
	}
}

// TestRateLimit checks the token bucket on the injected clock: 429 with
// Retry-After once the burst is spent, service again when it refills.
func TestRateLimit(t *testing.T) {
	tests := []struct {
		rate       float64
		burst      int
		retryAfter string
		detail     string
	}{
		{2, 2, "1", "Request was throttled. Expected available in 1 second."},
		{0.25, 1, "4", "Request was throttled. Expected available in 4 seconds."},
	}
	for _, tt := range tests {
		t.Run(strconv.FormatFloat(tt.rate, 'g', -1, 64), func(t *testing.T) {
			s := newTestServer(t, Options{RateLimit: tt.rate})
			for range tt.burst {
				s.mustDo("GET", "/api/v1/servers/", "", http.StatusOK)
			}
			r := s.mustDo("GET", "/api/v1/servers/12345/", "", http.StatusTooManyRequests)
			if got := r.header.Get("Retry-After"); got != tt.retryAfter {
				t.Errorf("Retry-After %q, want %q", got, tt.retryAfter)
			}
			if got := decode(t, r.body)["detail"]; got != tt.detail {
				t.Errorf("detail %q, want %q", got, tt.detail)
			}
			s.clock.Advance(time.Duration(float64(time.Second) / tt.rate))
			s.mustDo("GET", "/api/v1/servers/", "", http.StatusOK)
			s.mustDo("GET", "/api/v1/servers/", "", http.StatusTooManyRequests)
			// Unauthenticated requests are refused before the limit counts them.
			if r := s.doAuth("GET", "/api/v1/servers/", "", ""); r.status != 401 {
				t.Errorf("unauthenticated: %d, want 401", r.status)
			}
		})
	}
}

// TestStats checks requests are counted by method and templated route.
func TestStats(t *testing.T) {
	s := newTestServer(t, Options{})
	s.mustDo("GET", "/api/v1/servers/", "", 200)
	s.mustDo("GET", "/api/v1/servers/?page=1", "", 200)
	s.mustDo("GET", "/api/v1/servers/12345/", "", 200)
	s.mustDo("GET", "/api/v1/servers/12346/", "", 200)
	s.mustDo("POST", "/api/v1/servers/12345/stop/", "", 200)
	s.mustDo("GET", "/api/v1/servers/nope/", "", 404)
	s.doAuth("GET", "/api/v1/servers/", "", "") // 401 still counts
	s.doAuth("POST", "/_sandbox/servers/12346/suspend/", "", "")
	want := map[string]int64{
		"GET /api/v1/servers/":            3,
		"GET /api/v1/servers/{id}/":       2,
		"POST /api/v1/servers/{id}/stop/": 1,
		"GET (unknown route)":             1,
	}
	r := s.doAuth("GET", "/_sandbox/stats", "", "")
	var got Stats
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Total != 7 || len(got.Requests) != len(want) {
		t.Errorf("stats %+v, want total 7 and %v", got, want)
	}
	for k, v := range want {
		if got.Requests[k] != v {
			t.Errorf("%s: %d, want %d", k, got.Requests[k], v)
		}
	}
	if direct := s.account.Stats(); direct.Total != got.Total {
		t.Errorf("Stats() total %d, /_sandbox/stats %d", direct.Total, got.Total)
	}
}
