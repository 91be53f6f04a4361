package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// page is a decoded list answer.
type page struct {
	Count    int     `json:"count"`
	Next     *string `json:"next"`
	Previous *string `json:"previous"`
	Results  []struct {
		ID       int64  `json:"id"`
		Name     string `json:"name"`
		Status   string `json:"status"`
		Location string `json:"location"`
	} `json:"results"`
}

func (s *testServer) list(path string) page {
	s.t.Helper()
	r := s.mustDo("GET", path, "", http.StatusOK)
	var p page
	if err := json.Unmarshal(r.body, &p); err != nil {
		s.t.Fatalf("list: %v", err)
	}
	return p
}

func str(p *string) string {
	if p == nil {
		return "null"
	}
	return *p
}

// TestPagination walks 120 servers in pages of 50.
func TestPagination(t *testing.T) {
	s := newTestServer(t, Options{Empty: true})
	for i := range 120 {
		s.create("web-"+itoa(i), 1)
	}
	base := s.srv.URL + "/api/v1/servers/"
	tests := []struct {
		query      string
		firstID    int64
		n          int
		next, prev string
	}{
		{"", 12345, 50, base + "?page=2", "null"},
		{"?page=1", 12345, 50, base + "?page=2", "null"},
		{"?page=2", 12395, 50, base + "?page=3", base},
		{"?page=3", 12445, 20, "null", base + "?page=2"},
		{"?page=last", 12445, 20, "null", base + "?page=2"},
		{"?page=2&location=us-west", 12395, 50, base + "?location=us-west&page=3", base + "?location=us-west"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			p := s.list("/api/v1/servers/" + tt.query)
			if p.Count != 120 || len(p.Results) != tt.n || p.Results[0].ID != tt.firstID {
				t.Fatalf("count %d, %d results from %d; want 120, %d from %d", p.Count, len(p.Results), p.Results[0].ID, tt.n, tt.firstID)
			}
			for i := 1; i < len(p.Results); i++ {
				if p.Results[i].ID != p.Results[i-1].ID+1 {
					t.Fatalf("results not in id order at %d", i)
				}
			}
			if str(p.Next) != tt.next || str(p.Previous) != tt.prev {
				t.Errorf("next %s previous %s, want %s and %s", str(p.Next), str(p.Previous), tt.next, tt.prev)
			}
		})
	}
	for _, q := range []string{"?page=4", "?page=0", "?page=-1", "?page=abc", "?page=1.5"} {
		r := s.mustDo("GET", "/api/v1/servers/"+q, "", http.StatusNotFound)
		if string(r.body) != `{"detail":"Invalid page."}` {
			t.Errorf("%s: %s, want Invalid page.", q, r.body)
		}
	}
}

// TestPaginationScheme checks the absolute links follow the client's
// scheme and host.
func TestPaginationScheme(t *testing.T) {
	s := newTestServer(t, Options{Empty: true, PageSize: 1})
	s.create("a", 1)
	s.create("b", 1)
	req, _ := http.NewRequest("GET", s.srv.URL+"/api/v1/servers/", nil)
	req.Host = "admin.vps.org"
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("X-Forwarded-Proto", "https")
	res, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var p page
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	if want := "https://admin.vps.org/api/v1/servers/?page=2"; str(p.Next) != want {
		t.Errorf("next %s, want %s", str(p.Next), want)
	}
}

// TestEmptyList checks an empty account's first page exists.
func TestEmptyList(t *testing.T) {
	s := newTestServer(t, Options{Empty: true})
	r := s.mustDo("GET", "/api/v1/servers/", "", http.StatusOK)
	if want := `{"count":0,"next":null,"previous":null,"results":[]}`; string(r.body) != want {
		t.Errorf("%s, want %s", r.body, want)
	}
}

// TestFilters checks ?status= and ?location=, alone and together.
func TestFilters(t *testing.T) {
	s := newTestServer(t, Options{})                                   // 12345 us-west, 12346 us-east, both active
	id := s.create("web-3", 1)                                         // us-west, active at once
	s.mustDo("POST", "/api/v1/servers/12346/stop/", "", http.StatusOK) // stopped at once
	tests := []struct {
		query string
		ids   []int64
	}{
		{"", []int64{12345, 12346, id}},
		{"?status=active", []int64{12345, id}},
		{"?status=stopped", []int64{12346}},
		{"?status=suspended", nil},
		{"?location=us-west", []int64{12345, id}},
		{"?location=us-east&status=stopped", []int64{12346}},
		{"?location=us-east&status=active", nil},
		{"?location=nowhere", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			p := s.list("/api/v1/servers/" + tt.query)
			var got []int64
			for _, r := range p.Results {
				got = append(got, r.ID)
			}
			if p.Count != len(tt.ids) || len(got) != len(tt.ids) {
				t.Fatalf("got %v (count %d), want %v", got, p.Count, tt.ids)
			}
			for i := range got {
				if got[i] != tt.ids[i] {
					t.Fatalf("got %v, want %v", got, tt.ids)
				}
			}
		})
	}
	r := s.mustDo("GET", "/api/v1/servers/?status=running", "", http.StatusBadRequest)
	if want := `{"status":["Select a valid choice. running is not one of the available choices."]}`; string(r.body) != want {
		t.Errorf("%s, want %s", r.body, want)
	}
	if strings.Contains(string(r.body), testToken) {
		t.Error("token in answer")
	}
}
