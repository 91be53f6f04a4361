package sandbox

import (
	"container/heap"
	"time"
)

// indexKey names one list of the index: the servers of a location, of a
// status, or of both ("" is any).
type indexKey struct{ location, status string }

// serverIndex files every server under its location, its status and
// both, each list in id order, so a filtered list page costs what an
// unfiltered one does instead of a scan of the account.
//
// Statuses are computed from timestamps, so they change as time passes
// with no request at all: provisioning becomes active, stopping becomes
// stopped. The index holds the statuses as of the instant at, and keeps
// every server whose status will change after at in a heap by the
// instant it does; settle moves the servers whose instant has come to
// their new lists before the index is read, so it is right at any time.
// A clock that goes back (possible with Options.Now) rebuilds it.
type serverIndex struct {
	lists   map[indexKey]*idList
	at      time.Time
	pending transitionHeap
}

// transition is the instant a server's status changes by itself.
type transition struct {
	when time.Time
	rec  *record
}

// transitionHeap orders transitions by when, earliest first.
type transitionHeap []transition

func (h transitionHeap) Len() int           { return len(h) }
func (h transitionHeap) Less(i, j int) bool { return h[i].when.Before(h[j].when) }
func (h transitionHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *transitionHeap) Push(x any)        { *h = append(*h, x.(transition)) }
func (h *transitionHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = transition{}
	*h = old[:len(old)-1]
	return t
}

// list returns the servers filed under key, nil when there are none.
func (x *serverIndex) list(key indexKey) *idList { return x.lists[key] }

// file adds r under its location and status as of at.
func (x *serverIndex) file(r *record) {
	if x.lists == nil {
		x.lists = make(map[indexKey]*idList)
	}
	r.filedAs = r.status(x.at)
	for _, k := range [...]indexKey{{r.Location, ""}, {"", r.filedAs}, {r.Location, r.filedAs}} {
		l := x.lists[k]
		if l == nil {
			l = &idList{}
			x.lists[k] = l
		}
		l.insert(r)
	}
	if !r.Suspended && x.at.Before(r.PhaseUntil) {
		heap.Push(&x.pending, transition{when: r.PhaseUntil, rec: r})
	}
}

// unfile removes r from its lists. Its pending transition, if any, is
// dropped when it comes due.
func (x *serverIndex) unfile(r *record) {
	if r.filedAs == "" {
		return
	}
	for _, k := range [...]indexKey{{r.Location, ""}, {"", r.filedAs}, {r.Location, r.filedAs}} {
		x.lists[k].remove(r)
	}
	r.filedAs = ""
}

// settle brings the index to the instant now: every server whose status
// changed since at by the passing of time is moved to its new lists.
// all is every server, for a rebuild when now is before at.
func (x *serverIndex) settle(now time.Time, all []*record) {
	if now.Before(x.at) {
		x.lists, x.pending, x.at = nil, nil, now
		for _, r := range all {
			r.filedAs = ""
			x.file(r)
		}
		return
	}
	x.at = now
	for len(x.pending) > 0 && !now.Before(x.pending[0].when) {
		t := heap.Pop(&x.pending).(transition)
		r := t.rec
		if r.filedAs == "" || r.filedAs == r.status(now) {
			continue // deleted, or changed again since and filed anew
		}
		x.unfile(r)
		x.file(r)
	}
}
