package apply

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
	et "github.com/vpsfleet/vpsfleet/internal/enginetest"
)

// shiftingAccount serves the sandbox acct, of list pages of size, and
// deletes some of victims as another client deleting servers at the same
// time would, so that list items shift to earlier pages: perPage of them
// before each list page; or, with perPage 0, just enough of them before
// each page after the first that the server listed right after the
// victims (the new one) moves onto the pages already read, which hides it
// from that listing.
func shiftingAccount(t *testing.T, acct *sandbox.Account, size int, victims []int64, perPage int) *api.Client {
	t.Helper()
	var mu sync.Mutex
	serve := func(method, target string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, target, nil)
		r.Header.Set("Authorization", "Bearer t")
		w := httptest.NewRecorder()
		acct.ServeHTTP(w, r)
		return w
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/api/v1/servers/" {
			mu.Lock()
			n := min(perPage, len(victims))
			if page, _ := strconv.Atoi(r.URL.Query().Get("page")); perPage == 0 && page > 1 {
				if at := len(victims); at >= (page-1)*size && at < page*size {
					n = at - (page-1)*size + 1
				}
			}
			gone := victims[:n]
			victims = victims[n:]
			mu.Unlock()
			for _, id := range gone {
				serve(http.MethodDelete, fmt.Sprintf("/api/v1/servers/%d/", id))
			}
		}
		acct.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := api.New(srv.URL, "t", api.WithBackoff(func(int) time.Duration { return time.Millisecond }), api.WithSleep(et.ShortSleep))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestLostCreateSurvivesPageShifts: while the account's other servers are
// deleted, list items shift between pages; the lookup after a lost answer
// must still find the committed server, adopt it and create no second one
// (seen before: page size 5, 400 other servers deleted during the apply,
// 5 of 14 trials made a duplicate).
func TestLostCreateSurvivesPageShifts(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		victims, perPage int
		// settles: the deletions end within the listings the lookup
		// tries, so the server is found and adopted; otherwise the
		// lookup says the account kept changing and sends nothing again.
		settles bool
	}{
		{60, 1, true}, {200, 3, true}, {400, 5, true},
		// Each listing is made to miss the new server; once the victims
		// run out the account holds still.
		{12, 0, true},
		// It never holds still within the listings tried.
		{400, 0, false},
	} {
		t.Run(fmt.Sprintf("%d victims, %d a page", tt.victims, tt.perPage), func(t *testing.T) {
			t.Parallel()
			e := newSandbox(t, sandbox.Options{Empty: true, PageSize: 5, ProvisionDelay: time.Millisecond})
			specs := make([]sandbox.ServerSpec, 400)
			for i := range specs {
				specs[i] = spec(fmt.Sprintf("other-%03d", i))
			}
			e.Import(t, specs...)
			var victims []int64
			for _, s := range e.list(t)[:tt.victims] {
				victims = append(victims, s.ID)
			}
			c := shiftingAccount(t, e.acct, 5, victims, tt.perPage)
			// More servers come after the new one, as other creates of
			// a run make them, so its page is never the last.
			acct := &hookedAccount{Account: &lossyAccount{Account: c, script: []lostAnswer{commitLose}}, afterCreate: func(api.CreateRequest) {
				e.Import(t, spec("zz-tail-1"), spec("zz-tail-2"), spec("zz-tail-3"), spec("zz-tail-4"), spec("zz-tail-5"), spec("zz-tail-6"))
			}}
			res := mustApply(t, acct, createPlan("web-01"), fastOptions())
			named := 0
			for _, s := range e.list(t) {
				if s.Name == "web-01" {
					named++
				}
			}
			if named != 1 {
				t.Fatalf("%d servers named web-01 (want 1); results %+v, duplicates %+v", named, res.Results, res.Duplicates)
			}
			r := resultOf(t, res, "web-01")
			if tt.settles && (!res.OK() || !strings.Contains(r.Note, "adopted")) {
				t.Errorf("OK %v, result %+v; want the server adopted", res.OK(), r)
			}
			if !tt.settles && (r.Outcome != OutcomeFailed || !strings.Contains(r.Err.Error(), "kept changing")) {
				t.Errorf("result %+v; want a failure that says the account kept changing", r)
			}
		})
	}
}
