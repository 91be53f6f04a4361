package poll

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
)

// pagedRun is a run whose account lists in pages of ListPageSize, as the
// Client does: each page shown to ListOptions.Visit as it is read (at the
// time it is read), page links "page=N", ListOptions.From honoured, and a
// page past the end answered with a 404. A server is active from its
// activeAt on. It records every page it serves.
type pagedRun struct {
	mu       sync.Mutex
	activeAt map[int64]time.Time
	// descending lists the highest ids first; hidden shows no page to
	// ListOptions.Visit, as an account other than the Client may not.
	descending, hidden bool
	// size is the servers a page holds; 0 is ListPageSize.
	size    int
	sent    int64
	reads   []pageRead
	workers sync.WaitGroup
}

// pageRead is one page served: which, and when.
type pageRead struct {
	page int
	at   time.Time
}

var errInvalidPage = errors.New("404 Invalid page.")

func (r *pagedRun) Push(task func()) { r.workers.Go(task) }
func (r *pagedRun) Quiet() (int64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sent, false
}
func (r *pagedRun) Sent() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sent
}
func (r *pagedRun) AccountSize() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.activeAt)
}
func (r *pagedRun) StopErr() error { return errors.New("stopped") }

func (r *pagedRun) List(opts api.ListOptions) ([]api.Server, error) {
	number := 1
	if opts.From != "" {
		if _, err := fmt.Sscanf(opts.From, "page=%d", &number); err != nil {
			return nil, err
		}
	}
	var out []api.Server
	for first := true; ; first = false {
		r.mu.Lock()
		now := time.Now()
		ids := make([]int64, 0, len(r.activeAt))
		for id := range r.activeAt {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		if r.descending {
			slices.Reverse(ids)
		}
		size := r.size
		if size == 0 {
			size = ListPageSize
		}
		from := (number - 1) * size
		if from >= len(ids) && !(first && number == 1) {
			r.reads = append(r.reads, pageRead{number, now})
			r.mu.Unlock()
			return nil, errInvalidPage
		}
		var page []api.Server
		for _, id := range ids[from:min(from+size, len(ids))] {
			st := api.StatusProvisioning
			if !now.Before(r.activeAt[id]) {
				st = api.StatusActive
			}
			page = append(page, api.Server{ID: id, Status: st})
		}
		r.reads = append(r.reads, pageRead{number, now})
		more := from+len(page) < len(ids)
		r.mu.Unlock()
		out = append(out, page...)
		if opts.Visit != nil && !r.hidden {
			if err := opts.Visit(context.Background(), api.Page{Number: number, Link: fmt.Sprintf("page=%d", number), Servers: page, More: more}); err != nil {
				return nil, err
			}
		}
		if !more {
			return out, nil
		}
		number++
	}
}

// pagedChain is a parked chain that notes when its wait ended, and how.
type pagedChain struct {
	run   *pagedRun
	mu    sync.Mutex
	ended map[int64]time.Time
	errs  []error
}

func (c *pagedChain) Halted() bool { return false }
func (c *pagedChain) Get(id int64) (*api.Server, error) {
	c.run.mu.Lock()
	defer c.run.mu.Unlock()
	at, ok := c.run.activeAt[id]
	if !ok {
		return nil, &api.Error{Status: 404, Method: "GET", Path: fmt.Sprintf("/api/v1/servers/%d/", id), Detail: "Not found."}
	}
	st := api.StatusProvisioning
	if !time.Now().Before(at) {
		st = api.StatusActive
	}
	return &api.Server{ID: id, Status: st}, nil
}
func (c *pagedChain) Still(int64, string) {}

// chainOf is a chain that ends the wait of server id.
type chainOf struct {
	*pagedChain
	id int64
}

func (c chainOf) Then(_ api.Server, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ended[c.id] = time.Now()
	if err != nil {
		c.errs = append(c.errs, err)
	}
}

// parkCreates parks a create waiter for each id, as if its create was
// sent now, its server to be active after provision.
func parkCreates(p *Poller, run *pagedRun, c *pagedChain, provision time.Duration, ids ...int64) {
	for _, id := range ids {
		run.mu.Lock()
		run.activeAt[id] = time.Now().Add(provision)
		run.mu.Unlock()
		w := NewWaiter(Wait{ID: id, Goal: GoalActive, From: Origin{Kind: engine.ActionCreate, Sent: time.Now()}}, chainOf{c, id}, time.Now())
		p.Park(w)
	}
}

func idRange(from, to int64) []int64 {
	var ids []int64
	for id := from; id <= to; id++ {
		ids = append(ids, id)
	}
	return ids
}

// walkConfig is the poller's configuration in these tests, and provision
// how long their servers take to be created.
var walkConfig = Config{First: 500 * time.Millisecond, Max: 5 * time.Second, Timeout: 10 * time.Minute}

const provision = 4 * time.Second

// knownDuration makes p know that creates take d (to within a
// millisecond), as if it had learned it.
func knownDuration(p *Poller, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, _ := p.cohortLocked(engine.ActionCreate)
	c.model = transitionModel{fastest: d, slowest: d - time.Millisecond}
}

// TestPacedWalk: the final list is read page by page as each page's
// servers are due, each page's waiters are handed on when it is read, and
// a list out of id order is read at once and not paced again.
func TestPacedWalk(t *testing.T) {
	t.Parallel()

	for _, tt := range []struct {
		name string
		run  *pagedRun
		// check is given when the first page was created.
		check func(t *testing.T, p *Poller, run *pagedRun, c *pagedChain, start time.Time)
	}{
		{"each page once its servers are due", &pagedRun{}, func(t *testing.T, p *Poller, run *pagedRun, c *pagedChain, start time.Time) {
			if st := p.Stats(); st.Lists != 1 || st.Looks != 0 {
				t.Errorf("stats %+v, want one list and no GET", st)
			}
			if len(run.reads) != 3 {
				t.Fatalf("pages read %+v, want 3", run.reads)
			}
			for i, r := range run.reads {
				want := start.Add(provision + time.Duration(i)*time.Second)
				if r.page != i+1 || r.at.Before(want) || r.at.After(want.Add(10*time.Millisecond)) {
					t.Errorf("page %d read at %s, want page %d at %s", r.page, r.at.Sub(start), i+1, want.Sub(start))
				}
			}
			for id, at := range c.ended {
				if due := run.activeAt[id]; at.Sub(due) > 10*time.Millisecond {
					t.Errorf("server %d's wait ended %s after it was active", id, at.Sub(due))
				}
			}
		}},
		{"pages not shown: no more pacing", &pagedRun{hidden: true}, func(t *testing.T, p *Poller, _ *pagedRun, _ *pagedChain, _ time.Time) {
			// The first list, begun when the first page was due, came
			// too early for the rest; the second waits for the newest.
			if st := p.Stats(); st.Lists != 2 || !p.unordered {
				t.Errorf("stats %+v, unordered %v; want two lists, and no pacing after the first", st, p.unordered)
			}
		}},
		{"out of order: the rest at once, and no more pacing", &pagedRun{descending: true}, func(t *testing.T, p *Poller, run *pagedRun, _ *pagedChain, _ time.Time) {
			if !p.unordered {
				t.Error("the poller did not note that the account lists out of id order")
			}
			// The first list read its three pages at once.
			if len(run.reads) < 3 || !run.reads[2].at.Equal(run.reads[0].at) {
				t.Errorf("pages read %+v, want the first three at once", run.reads)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				run := tt.run
				run.activeAt = map[int64]time.Time{}
				p := New(context.Background(), run, walkConfig)
				knownDuration(p, provision)
				c := &pagedChain{run: run, ended: map[int64]time.Time{}}
				start := time.Now()
				// Three pages of servers, created a second apart.
				for i := range int64(3) {
					parkCreates(p, run, c, provision, idRange(i*ListPageSize+1, (i+1)*ListPageSize)...)
					time.Sleep(time.Second)
				}
				p.Wait()
				run.workers.Wait()
				if len(c.errs) > 0 || len(c.ended) != 3*ListPageSize {
					t.Fatalf("%d waits ended, errors %v", len(c.ended), c.errs)
				}
				tt.check(t, p, run, c, start)
			})
		})
	}
}

// afterFirstBatch returns a poller that knows how long creates take, over
// an account of servers 1..100 listed in pages of size, once it has waited
// out the creates of 101..110 (one whole list, its memo).
func afterFirstBatch(size int) (*Poller, *pagedRun, *pagedChain) {
	run := &pagedRun{activeAt: map[int64]time.Time{}, size: size}
	for _, id := range idRange(1, 100) {
		run.activeAt[id] = time.Now()
	}
	p := New(context.Background(), run, walkConfig)
	knownDuration(p, provision)
	c := &pagedChain{run: run, ended: map[int64]time.Time{}}
	parkCreates(p, run, c, provision, idRange(101, 110)...)
	p.Wait()
	return p, run, c
}

// TestTail: waiters created after a list are looked at on the last pages
// only, and a tail that misses them (the account shrank under it) gives
// way to a whole list.
func TestTail(t *testing.T) {
	t.Parallel()

	for _, tt := range []struct {
		name string
		// size is the servers a page holds (0: ListPageSize).
		size int
		// othersDelete is how many of the oldest servers somebody else
		// deletes before the second batch (unknown to the run).
		othersDelete int64
		wantPages    []int // pages read by the second batch's looks
	}{
		// The ten new servers are on page 3 of 3; the run's 20 requests
		// might have been deletes, so it reads from page 2.
		{"the last pages", 0, 0, []int{2, 3}},
		// Page 2 is gone (the account fits one page now): a whole list.
		{"missed: a whole list", 0, 60, []int{2, 1}},
		// Pages of 10: the new servers are on page 11 of 11; the tail
		// reads from page 10, by the account's own page size.
		{"pages of ten", 10, 0, []int{10, 11}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p, run, c := afterFirstBatch(tt.size)
				if size := cmp.Or(tt.size, ListPageSize); len(run.reads) != (110+size-1)/size {
					t.Fatalf("the first batch read pages %+v, want the whole list", run.reads)
				}
				// The run deletes 10 servers and creates 10; somebody else
				// may delete more.
				run.mu.Lock()
				for _, id := range idRange(1, 10+tt.othersDelete) {
					delete(run.activeAt, id)
				}
				run.sent += 20
				run.mu.Unlock()
				before := len(run.reads)
				parkCreates(p, run, c, provision, idRange(111, 120)...)
				p.Wait()
				run.workers.Wait()
				if len(c.errs) > 0 || len(c.ended) != 20 {
					t.Fatalf("%d waits ended, errors %v", len(c.ended), c.errs)
				}
				var pages []int
				for _, r := range run.reads[before:] {
					pages = append(pages, r.page)
				}
				if !slices.Equal(pages, tt.wantPages) {
					t.Errorf("the second batch read pages %v, want %v", pages, tt.wantPages)
				}
			})
		})
	}
}

// TestTailThatMissesALearningLook: a learning look made by a tail that
// does not show its waiter (somebody deleted the server) gives way to a
// GET, which finds it gone, instead of reading the same tail again and
// again.
func TestTailThatMissesALearningLook(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		p, run, c := afterFirstBatch(0)
		// The run starts 101..110, which take 3 s, a kind the poller has
		// not learned, 105 first; somebody has deleted 105.
		run.mu.Lock()
		delete(run.activeAt, 105)
		for _, id := range idRange(101, 110) {
			if id != 105 {
				run.activeAt[id] = time.Now().Add(3 * time.Second)
			}
		}
		run.mu.Unlock()
		before := len(run.reads)
		for _, id := range append([]int64{105}, slices.DeleteFunc(idRange(101, 110), func(id int64) bool { return id == 105 })...) {
			p.Park(NewWaiter(Wait{ID: id, Goal: GoalActive, From: Origin{Kind: engine.ActionStart, Sent: time.Now()}}, chainOf{c, id}, time.Now()))
		}
		p.Wait()
		run.workers.Wait()
		if len(c.ended) != 10 || len(c.errs) != 1 {
			t.Fatalf("%d waits ended, errors %v; want 10, one error (105 is gone)", len(c.ended), c.errs)
		}
		if pages := len(run.reads) - before; pages > 4 {
			t.Errorf("the starts cost %d list pages, want at most 4 (one tail that missed, then GETs and a list)", pages)
		}
	})
}
