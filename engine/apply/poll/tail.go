package poll

import "sort"

// Tails: a look at the last pages of the account instead of all of them.
//
// The waiters a run parks after a list are mostly servers it created after
// that list, and an account that lists by id (walk.go) lists them last.
// The poller keeps where each page of its last list began (a pageMemo);
// when every waiter due has an id above the highest listed then, it reads
// from the page where they can first be on: the servers listed before them
// are at least those listed last time less one for each request the run
// has sent since (a delete removes at most one). A rolling batch of ten in
// an account of a hundred is then seen in one page, not two, and so is it
// again, from the page the last tail found it on.
//
// What a tail shows of a waiter is judged as a list's view; a waiter it
// does not show is not judged (it may be on an earlier page). When a due
// waiter is missing the memo is dropped, and the next look is a whole
// list. A tail is never the run's final check, which needs the whole
// account: the look that can be, one serving every waiter of a quiet run,
// reads it whole.

// pageMark is one page of a list: where it was read, the first id on it,
// and how many servers it held.
type pageMark struct {
	link  string
	first int64
	n     int
}

// pageMemo is the last list the poller read whole (or cut to a tail): its
// pages, the servers and highest id on them, and the run's requests sent
// (Run.Sent) when it began.
type pageMemo struct {
	pages []pageMark
	total int
	top   int64
	sent  int64
}

// tailPlan is a look at the pages of the memo from pages[k] on, for the
// waiters in want.
type tailPlan struct {
	k     int
	link  string
	pages int
	want  []*Waiter
}

// tailLocked plans a tail that shows looks, the waiters due; ok is false
// when none can, or it would read the whole list anyway.
//
// Of the servers listed before the lowest id due, the memo's pages hold at
// least c: all it listed when that id is above them, else the pages before
// the one it would be on. Each request sent since removed at most one of
// them, so the lowest id due is now at least c less those requests into
// the list, and the tail begins on the page that position falls on.
func (p *Poller) tailLocked(looks []*Waiter) (tailPlan, bool) {
	m := p.memo
	if m == nil || p.unordered || len(m.pages) < 2 || len(looks) == 0 {
		return tailPlan{}, false
	}
	size := m.pageSize()
	lowest := looks[0].id
	for _, w := range looks[1:] {
		lowest = min(lowest, w.id)
	}
	c := m.total
	if lowest <= m.top {
		j := sort.Search(len(m.pages), func(j int) bool { return m.pages[j].first > lowest }) - 1
		c = max(j, 0) * size
	}
	above := 0
	for _, cc := range p.cohorts {
		for _, w := range cc.ws {
			if !w.done && w.id > m.top {
				above++
			}
		}
	}
	shift := int(max(0, p.run.Sent()-m.sent))
	k := min(max(0, c-shift)/size, len(m.pages)-1)
	if k == 0 {
		return tailPlan{}, false
	}
	rest := max(1, m.total-shift-k*size+above)
	return tailPlan{k: k, link: m.pages[k].link, pages: (rest + size - 1) / size}, true
}

// pageSize is how many servers a page of the memo's list holds: its first
// page's, when another followed (so it was full), else ListPageSize.
func (m *pageMemo) pageSize() int {
	if len(m.pages) < 2 || m.pages[0].n < 1 {
		return ListPageSize
	}
	return m.pages[0].n
}

// noteLocked keeps what walk wk read as the memo: a whole list's pages,
// or a tail's in place of the memo's from t.k on. A list out of id order,
// or one whose pages the account did not show, drops it for good.
func (p *Poller) noteLocked(wk *walker, t *tailPlan, servers int, sent int64) {
	switch {
	case !wk.visited, wk.unordered:
		p.memo, p.unordered = nil, true
	case t == nil:
		p.memo = &pageMemo{pages: wk.marks, total: servers, top: wk.last, sent: sent}
	case p.memo != nil:
		pages := append(p.memo.pages[:t.k:t.k], wk.marks...)
		p.memo = &pageMemo{pages: pages, total: t.k*p.memo.pageSize() + servers, top: max(p.memo.top, wk.last), sent: sent}
	}
}
