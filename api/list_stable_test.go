package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/vpsfleet/vpsfleet/api"
)

// shiftingList serves two pages of a list of three servers (12345, 12346,
// 12347); while shifts lasts, the second page's count says a server was
// deleted between the pages and server 12347 has moved onto the first
// page, already read: that listing misses it.
type shiftingList struct {
	shifts atomic.Int32
	pages  atomic.Int32
}

func (h *shiftingList) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.pages.Add(1)
	item := func(id int) string {
		return fmt.Sprintf(`{"id": %d, "name": "s-%d", "status": "active", "location": "us-west", "plan": {"id": 1}, "os": {"id": 5}}`, id, id)
	}
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Query().Get("page") == "" {
		fmt.Fprintf(w, `{"count": 3, "next": "http://%s/api/v1/servers/?page=2", "previous": null, "results": [%s, %s]}`, r.Host, item(12345), item(12346))
		return
	}
	if h.shifts.Add(-1) >= 0 {
		fmt.Fprintf(w, `{"count": 2, "next": null, "previous": null, "results": []}`)
		return
	}
	fmt.Fprintf(w, `{"count": 3, "next": null, "previous": null, "results": [%s]}`, item(12347))
}

func TestStableListingReadsAgainUntilNoPageShifted(t *testing.T) {
	t.Parallel()
	h := &shiftingList{}
	h.shifts.Store(2)
	c, sl := serve(t, h)
	servers, err := c.ListServers(context.Background(), api.ListOptions{Stable: true})
	if err != nil || len(servers) != 3 {
		t.Fatalf("ListServers = %d servers, %v; want all 3", len(servers), err)
	}
	if n := h.pages.Load(); n != 6 {
		t.Errorf("%d pages read, want 6 (two shifted listings, then a stable one)", n)
	}
	if len(sl.all()) != 2 {
		t.Errorf("waited %v between listings, want two waits", sl.all())
	}
	// Without Stable one listing is returned as read.
	h.shifts.Store(1)
	if servers, err := c.ListServers(context.Background(), api.ListOptions{}); err != nil || len(servers) != 2 {
		t.Errorf("plain ListServers = %d servers, %v; want the 2 a shifted listing shows", len(servers), err)
	}
	h.shifts.Store(1000)
	if _, err := c.ListServers(context.Background(), api.ListOptions{Stable: true}); !errors.Is(err, api.ErrListUnstable) {
		t.Errorf("a listing that never holds still: %v, want ErrListUnstable", err)
	}
}
