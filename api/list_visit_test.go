package api_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
)

// TestListVisitAndFrom: a listing shows each page to Visit as it arrives,
// with its number, link and whether more follow; a listing From a page's
// link reads from there to the end; a Visit error ends the listing; a
// From link to another host is refused.
func TestListVisitAndFrom(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false, sandbox.Options{Empty: true, PageSize: 4})
	var specs []sandbox.ServerSpec
	for i := range 10 {
		specs = append(specs, sandbox.ServerSpec{Name: fmt.Sprintf("web-%02d", i), PlanID: 1, OSID: 5, Location: "us-west"})
	}
	ids, err := f.account.Import(specs)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	var pages []api.Page
	all, err := f.client.ListServers(ctx, api.ListOptions{Stable: true, Visit: func(_ context.Context, p api.Page) error {
		pages = append(pages, p)
		return nil
	}})
	if err != nil || len(all) != 10 {
		t.Fatalf("ListServers = %d servers, %v; want 10", len(all), err)
	}
	if len(pages) != 3 {
		t.Fatalf("Visit saw %d pages, want 3", len(pages))
	}
	for i, p := range pages {
		if p.Number != i+1 || p.Count != 10 || p.More != (i < 2) || p.Link == "" || strings.Contains(p.Link, "://") {
			t.Errorf("page %d: %+v", i+1, p)
		}
	}
	if got := len(pages[0].Servers) + len(pages[1].Servers) + len(pages[2].Servers); got != 10 {
		t.Errorf("the pages held %d servers, want 10", got)
	}

	// From the second page's link: pages 2 and 3.
	var from []int
	tail, err := f.client.ListServers(ctx, api.ListOptions{From: pages[1].Link, Visit: func(_ context.Context, p api.Page) error {
		from = append(from, p.Number)
		return nil
	}})
	if err != nil {
		t.Fatalf("ListServers From %s: %v", pages[1].Link, err)
	}
	var tailIDs []int64
	for _, s := range tail {
		tailIDs = append(tailIDs, s.ID)
	}
	if !slices.Equal(tailIDs, ids[4:]) || !slices.Equal(from, []int{1, 2}) {
		t.Errorf("From page 2: ids %v in pages %v, want %v in 2 pages", tailIDs, from, ids[4:])
	}

	stop := errors.New("enough")
	if _, err := f.client.ListServers(ctx, api.ListOptions{Visit: func(context.Context, api.Page) error { return stop }}); !errors.Is(err, stop) {
		t.Errorf("a Visit error: ListServers = %v, want it", err)
	}
	if _, err := f.client.ListServers(ctx, api.ListOptions{From: "http://elsewhere.example/api/v1/servers/?page=2"}); err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Errorf("From another host: %v, want a refusal", err)
	}
}
