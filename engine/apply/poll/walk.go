package poll

import (
	"cmp"
	"container/heap"
	"context"
	"slices"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
)

// Walks: how the poller reads the pages of its lists.
//
// Every list the poller makes shows each page to a walker as it arrives
// (api.ListOptions.Visit), which notes where the page was and the ids on
// it, for a later tail (tail.go).
//
// The final list of a run (one due to serve every waiter) is also paced:
// read page by page as the servers on each page are predicted done,
// instead of all at once when the last of them is. Servers created one
// after another are predicted done one after another, and an account
// lists them in the order of their ids (the API's own example does, and so
// does every listing the poller has seen, until one does not). When it
// does, the next page holds at most a page's worth of the lowest ids above
// the last one read, so the walk reads it once those of the waiters are
// predicted done: it begins when the waiters on the first page are, and
// reads the last page just after the newest waiter is predicted done. The
// list then costs what it did, and most of its reading is done before the
// last server is ready, not after.
//
// Pacing only delays reads: what a page shows is judged as any list's
// view, so a waiter read before it was done is still waiting and is looked
// at again. A waiter a page shows done is handed on at once, not when the
// walk ends. A walk that meets ids out of order stops pacing and reads the
// rest at once; later lists are neither paced nor cut to a tail, nor are
// they when the account never showed a walk its pages.

// paceStartLocked returns when a paced walk serving ws should begin: when
// the waiters among the first page's worth of lowest ids are predicted
// done (their early times). A page holds what the last list's did, or
// ListPageSize before any.
func (p *Poller) paceStartLocked(ws []*Waiter) time.Time {
	size := ListPageSize
	if p.memo != nil {
		size = p.memo.pageSize()
	}
	h := make(idHeap, 0, size)
	for _, w := range ws {
		switch {
		case len(h) < size:
			heap.Push(&h, w)
		case w.id < h[0].id:
			h[0] = w
			heap.Fix(&h, 0)
		}
	}
	var at time.Time
	for _, w := range h {
		if w.early.After(at) {
			at = w.early
		}
	}
	return at
}

// idHeap keeps the waiter of the highest id on top.
type idHeap []*Waiter

func (h idHeap) Len() int           { return len(h) }
func (h idHeap) Less(i, j int) bool { return h[i].id > h[j].id }
func (h idHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *idHeap) Push(x any)        { *h = append(*h, x.(*Waiter)) }
func (h *idHeap) Pop() any {
	old := *h
	w := old[len(old)-1]
	*h = old[:len(old)-1]
	return w
}

// walker is shown every page of one list (api.ListOptions.Visit).
type walker struct {
	p *Poller
	// paced: the waiters the walk serves, by ascending id, with the time
	// each is predicted done.
	paced   bool
	ids     []int64
	waiters []*Waiter
	ready   []time.Time
	// from is when the page being read was asked for.
	from time.Time
	// halting ends the pacing when the run stops.
	halting <-chan struct{}
	// last is the highest id read so far in this reading of the list;
	// unordered is set once ids came out of order, off once the run
	// stops: the rest is read at once.
	last           int64
	unordered, off bool
	// visited is set once the account showed the walk a page: one that
	// does not (Visit is the Client's) can be neither paced nor cut.
	visited bool
	// marks are the pages of this reading, in order.
	marks []pageMark
}

// newWalkerLocked returns the walker of a list; a paced one serves ws.
func (p *Poller) newWalkerLocked(paced bool, ws []*Waiter) *walker {
	wk := &walker{p: p, paced: paced, halting: p.halting, from: time.Now()}
	if !paced {
		return wk
	}
	wk.waiters = slices.Clone(ws)
	slices.SortFunc(wk.waiters, func(a, b *Waiter) int { return cmp.Compare(a.id, b.id) })
	wk.ids, wk.ready = make([]int64, len(ws)), make([]time.Time, len(ws))
	for i, w := range wk.waiters {
		wk.ids[i], wk.ready[i] = w.id, w.early
	}
	return wk
}

// visit notes a page as it arrives; in a paced walk it hands on the
// waiters the page shows done and waits, before the next page is asked
// for, until the waiters that page can hold are predicted done.
func (wk *walker) visit(ctx context.Context, page api.Page) error {
	wk.visited = true
	if page.Number == 1 {
		// A Stable listing read again starts over.
		wk.last, wk.marks = 0, wk.marks[:0]
	}
	mark := pageMark{link: page.Link, n: len(page.Servers)}
	for i, s := range page.Servers {
		if i == 0 {
			mark.first = s.ID
		}
		if s.ID <= wk.last {
			wk.unordered = true
		}
		wk.last = max(wk.last, s.ID)
	}
	wk.marks = append(wk.marks, mark)
	if !page.More || !wk.paced {
		return nil
	}
	wk.deliver(page)
	defer func() { wk.from = time.Now() }()
	if wk.unordered || wk.off || len(page.Servers) == 0 {
		return nil
	}
	i, _ := slices.BinarySearch(wk.ids, wk.last+1)
	j := min(i+len(page.Servers), len(wk.ids))
	var until time.Time
	for _, at := range wk.ready[i:j] {
		if at.After(until) {
			until = at
		}
	}
	wait := time.Until(until)
	if wait <= 0 {
		return nil
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-wk.halting:
		wk.off = true
	case <-ctx.Done():
		return context.Cause(ctx)
	}
	return nil
}

// deliver shows the waiters a page shows at their goal, read between
// wk.from and now, what it shows of them, and hands on those whose wait is
// over; the others are judged with the whole list. Not on the last page: the continuations of
// its waiters may end the run, whose final check must find the list done.
func (wk *walker) deliver(page api.Page) {
	t1 := time.Now()
	p := wk.p
	var done []func()
	p.mu.Lock()
	for _, s := range page.Servers {
		i, ok := slices.BinarySearch(wk.ids, s.ID)
		if !ok {
			continue
		}
		w := wk.waiters[i]
		if w.done || w.away || !w.goal.reached(s, true) {
			// Not there yet: judged once, with the whole list.
			continue
		}
		c := p.byKind[w.from.Kind]
		if verdict, srv, err := p.seeLocked(c, w, view{srv: s, found: true}, wk.from, t1); verdict == over {
			p.removeLocked(c, w)
			done = append(done, func() { w.chain.Then(srv, err) })
		}
	}
	p.mu.Unlock()
	for _, task := range done {
		p.run.Push(task)
	}
}
