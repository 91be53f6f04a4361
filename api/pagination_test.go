package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vpsfleet/vpsfleet/api"
)

// endlessList is a hostile list endpoint: every page announces count,
// holds size servers (fresh ones, or the first page's again when repeat
// is set) and links a next page never seen before. It stops answering
// after stopAfter pages, so that a client that does not bound the list
// ends with an error other than the one the test expects.
type endlessList struct {
	count, size, stopAfter int
	repeat                 bool
	pages                  atomic.Int64
}

func (l *endlessList) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	page := int(l.pages.Add(1))
	if page > l.stopAfter {
		w.WriteHeader(http.StatusGone)
		fmt.Fprint(w, `{"detail": "the hostile list gave up"}`)
		return
	}
	first := (page - 1) * l.size
	if l.repeat {
		first = 0
	}
	results := make([]map[string]any, 0, l.size)
	for i := first; i < first+l.size; i++ {
		results = append(results, map[string]any{"id": 1 + i, "name": fmt.Sprintf("s-%d", i), "status": "active"})
	}
	next := fmt.Sprintf("http://%s/api/v1/servers/?page=%d", r.Host, page+1)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"count": l.count, "next": next, "previous": nil, "results": results})
}

func TestListBoundedByCount(t *testing.T) {
	tests := []struct {
		name     string
		list     *endlessList
		limit    int // api.SetMaxListed; 0 leaves the default
		maxPages int64
		want     string
	}{
		{"fresh pages past a small count", &endlessList{count: 30, size: 10, stopAfter: 5000}, 0,
			(30+1000)/10 + 1, "announced 30 servers"},
		{"fresh pages past a large count", &endlessList{count: 20000, size: 100, stopAfter: 5000}, 0,
			(20000+20000/4)/100 + 1, "announced 20000 servers"},
		{"the same servers on every page", &endlessList{count: 30, size: 10, repeat: true, stopAfter: 5000}, 0,
			(30+1000)/10 + 1, "announced 30 servers"},
		{"a count too large to believe", &endlessList{count: 1 << 50, size: 100, stopAfter: 5000}, 3000,
			3000/100 + 1, "at most 3000"},
		{"empty pages that link on", &endlessList{count: 30, size: 0, stopAfter: 5000}, 0,
			1, "an empty page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := serve(t, tt.list)
			if tt.limit > 0 {
				api.SetMaxListed(c, tt.limit)
			}
			servers, err := c.ListServers(context.Background(), api.ListOptions{})
			if err == nil {
				t.Fatalf("listed %d servers from an endless list", len(servers))
			}
			if !strings.Contains(err.Error(), "does not end") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to say the list does not end and %q", err, tt.want)
			}
			if n := tt.list.pages.Load(); n > tt.maxPages {
				t.Errorf("%d pages read, want at most %d", n, tt.maxPages)
			}
		})
	}
}

// TestListGrowingWhileRead: servers created while the list is read make
// it longer than its first page announced; within the allowance that is
// not an error.
func TestListGrowingWhileRead(t *testing.T) {
	const start, added, size = 100, 30, 10
	var reads atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Every page read adds three servers at the end of the list.
		n := start + min(int(reads.Add(1)-1)*3, added)
		page := 1
		fmt.Sscan(r.URL.Query().Get("page"), &page)
		var results []map[string]any
		for i := (page - 1) * size; i < min(page*size, n); i++ {
			results = append(results, map[string]any{"id": 1 + i, "name": fmt.Sprintf("s-%d", i), "status": "active"})
		}
		var next any
		if page*size < n {
			next = fmt.Sprintf("http://%s/api/v1/servers/?page=%d", r.Host, page+1)
		}
		json.NewEncoder(w).Encode(map[string]any{"count": n, "next": next, "results": results})
	})
	c, _ := serve(t, h)
	servers, err := c.ListServers(context.Background(), api.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(servers) != start+added {
		t.Errorf("listed %d servers, want %d", len(servers), start+added)
	}
}
