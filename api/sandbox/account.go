package sandbox

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Account is one VPS.org account. It is safe for concurrent use; create it
// with New and release it with Close.
type Account struct {
	opts Options

	mu       sync.Mutex
	servers  []*record // in id order
	byID     map[int64]*record
	index    serverIndex // servers by location and status
	nextID   int64
	credits  int64
	ipv4s    map[string]bool // addresses in use
	docIPv4s int             // how many of them are in the documentation /24s
	rng      *rand.Rand
	limiter  tokenBucket
	total    int64
	requests map[string]int64
	closed   bool

	store      *stateStore   // nil: in memory only, or read-only
	readOnly   *stateReader  // non-nil: another process holds the state; guarded by mu
	seq        uint64        // the last change made (see change); guarded by mu
	line       []byte        // commitLocked's encoding buffer; guarded by mu
	compacting chan struct{} // closed when the running compaction ends; nil when none; guarded by mu
}

// Stats counts the /api requests the account has received (every one,
// whatever its answer, faults included) by "METHOD route", the route
// templated, e.g. "GET /api/v1/servers/{id}/". Paths that match no route
// are counted as "METHOD (unknown route)". /_sandbox requests are not
// counted.
type Stats struct {
	Total    int64            `json:"total"`
	Requests map[string]int64 `json:"requests"`
}

// errClosed is returned by operations on a closed Account.
var errClosed = errors.New("sandbox account is closed")

// New opens the account described by opts. Zero fields take their
// defaults (see Options) except the delays, which are used as given.
//
// With a StatePath, New creates the file's directory if needed, takes an
// exclusive lock on StatePath+".lock" for the Account's lifetime, and loads
// the file and the journal of changes beside it (StatePath+".journal"),
// or creates a new account and writes it when the file does not exist.
// Every change is then synced to the journal before it is answered. New
// fails, naming the file, when another process holds the lock, when the
// files cannot be read or written, or when they are not state files of
// this format version. With ReadOnlyIfLocked, a lock held by another
// process opens the account read-only instead (see Options).
func New(opts Options) (*Account, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	a := newAccount(opts)
	if opts.StatePath == "" {
		a.initNew()
		return a, nil
	}
	st, err := openStateStore(opts.StatePath)
	if errors.Is(err, errStateLocked) && opts.ReadOnlyIfLocked {
		return openReadOnly(a)
	}
	if err != nil {
		return nil, err
	}
	if err := st.load(a); err != nil {
		st.lock.Close()
		return nil, err
	}
	a.store = st
	return a, nil
}

// newAccount is an empty account with opts, which have their defaults.
func newAccount(opts Options) *Account {
	a := &Account{
		opts:     opts,
		byID:     make(map[int64]*record),
		ipv4s:    make(map[string]bool),
		rng:      rand.New(rand.NewPCG(uint64(opts.Seed), uint64(opts.Seed)^0x9e3779b97f4a7c15)),
		requests: make(map[string]int64),
	}
	a.limiter = newTokenBucket(opts.RateLimit, opts.Now())
	return a
}

// check rejects options that make no sense.
func (o Options) check() error {
	switch {
	case o.ProvisionDelay < 0 || o.TransitionDelay < 0 || o.Latency < 0:
		return fmt.Errorf("sandbox options: delays and latency must not be negative (provision %s, transition %s, latency %s)",
			o.ProvisionDelay, o.TransitionDelay, o.Latency)
	case o.FaultRate < 0 || o.FaultRate > 1:
		return fmt.Errorf("sandbox options: fault rate %v is not a share between 0 and 1", o.FaultRate)
	case o.DropRate < 0 || o.DropRate > 1:
		return fmt.Errorf("sandbox options: drop rate %v is not a share between 0 and 1", o.DropRate)
	case o.RateLimit < 0:
		return fmt.Errorf("sandbox options: rate limit %v must not be negative (0 means unlimited)", o.RateLimit)
	}
	return nil
}

// Close waits until every change is on disk, writes the account into a
// new state file (replacing it atomically) and removes the journal, then
// releases the lock. Requests served after Close are answered 503. Close
// is idempotent: later calls return nil. It returns the first error met
// while writing state, including a journal write that failed earlier.
func (a *Account) Close() error {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil
	}
	a.closed = true
	a.waitCompactionLocked()
	a.mu.Unlock()
	if a.store == nil {
		return nil
	}
	return a.store.close(a)
}

// flush writes the account into a new state file now and empties the
// journal, once every change in it is durable. Changes wait meanwhile.
func (a *Account) flush() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.waitCompactionLocked()
	if err := a.store.journal.lastGroup().wait(); err != nil {
		return err
	}
	size, err := a.store.writeSnapshot(a.stateLocked())
	if err != nil {
		return err
	}
	a.store.snapshotSize, a.store.sinceSnapshot = size, 0
	return a.store.journal.truncate()
}

// Stats returns a copy of the request counts, the same data as
// GET /_sandbox/stats.
func (a *Account) Stats() Stats {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := Stats{Total: a.total, Requests: make(map[string]int64, len(a.requests))}
	for k, v := range a.requests {
		s.Requests[k] = v
	}
	return s
}

// countLocked records one request in the stats.
func (a *Account) countLocked(method string, rt route) {
	key := method + " (unknown route)"
	if rt.template != "" {
		key = method + " " + rt.template
	}
	a.total++
	a.requests[key]++
}

// ServeHTTP answers one request. Requests may first be delayed (Latency);
// /api requests may be answered by an injected fault (FaultRate), decided
// before the request takes effect; creates may be
// committed and then have their answer dropped (DropRate): both drops and
// resets abort the handler with http.ErrAbortHandler, so the connection
// closes unanswered. A caller serving the handler in-process must recover
// that panic.
func (a *Account) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt := parseRoute(r.URL.Path)
	if rt.isSandbox() || hasPrefix(r.URL.Path, sandboxPrefix) {
		a.serveSandbox(w, r, rt)
		return
	}
	a.mu.Lock()
	a.countLocked(r.Method, rt)
	closed := a.closed
	var f fault
	if hasPrefix(r.URL.Path, apiPrefix) {
		f = a.decideFaultLocked(r.Method, rt)
	}
	a.mu.Unlock()

	if a.opts.Latency > 0 {
		t := time.NewTimer(a.opts.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if closed {
		writeClosed(w)
		return
	}
	if f.kind != faultNone {
		f.serve(w)
		return
	}
	a.serveAPI(w, r, rt, f.drop)
}

func hasPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && s[:len(prefix)] == prefix
}
