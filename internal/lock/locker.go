package lock

import (
	"context"
	"errors"
	"time"

	"github.com/vpsfleet/vpsfleet/internal/runinfo"
)

// Locker holds the locks of one run. Both backends (*Postgres, *Local)
// implement it. Its methods are safe for concurrent use, but a run is
// expected to call Lock once, TryLock for names a re-plan adds, and Close
// at the end.
type Locker interface {
	// Lock takes the locks of names (duplicates and names already held
	// are fine), waiting for names other runs hold as wait says. It is
	// all or nothing: on error none of this call's names are held (names
	// of earlier calls stay held). When the names are held by others it
	// returns a *HeldError naming them and their holders; when ctx ends
	// first, context.Cause(ctx). A locker that already holds locks does
	// not wait (see the package documentation): it acts as TryLock.
	// Locking no names does nothing.
	Lock(ctx context.Context, names []string, wait Wait) error
	// TryLock is Lock that never waits.
	TryLock(ctx context.Context, names []string) error
	// Held is the names held, sorted.
	Held() []string
	// Context is alive while the locks can be trusted. It ends with cause
	// ErrLost (wrapped with what happened) when they are lost, or with
	// ErrClosed at Close, whichever comes first.
	Context() context.Context
	// Close releases every lock and ends the session; the locker is
	// unusable after it. It is safe to call more than once. Its error says
	// what could not be cleaned up; the locks are released either way.
	Close() error
	// String names the backend and the scope, never a password.
	String() string
}

// DefaultReportInterval is Wait.Interval when it is zero.
const DefaultReportInterval = 10 * time.Second

// Wait says how Lock waits for names that other runs hold.
type Wait struct {
	// Timeout is how long to wait; 0 fails at once, naming the holders.
	Timeout time.Duration
	// Interval is how often Report is called while waiting (default
	// DefaultReportInterval).
	Interval time.Duration
	// Report, when set, is called as soon as Lock finds names held and
	// will wait, then every Interval (and, for Postgres, whenever the
	// holders change), with who holds what. It is not called when Lock
	// fails at once. It is called on Lock's goroutine and must not call
	// the locker.
	Report func(Contention)
}

func (w Wait) interval() time.Duration {
	if w.Interval <= 0 {
		return DefaultReportInterval
	}
	return w.Interval
}

// Options configures Open.
type Options struct {
	// URL is the lock database (postgres://... or a key=value connection
	// string). Empty chooses the local file lock.
	URL string
	// Scope is what the locks are taken in (the endpoint URL, or the
	// -lock-scope the user gave). It is stored in the lock tables and
	// shown to other runs, so it must never hold a secret. Required.
	Scope string
	// Process describes this run to other runs (runinfo.Current).
	Process runinfo.Process
	// LocalDir is the local backend's folder (default: the user's cache
	// folder + /vpsfleet/locks).
	LocalDir string
	// Heartbeat is how often the Postgres backend checks its connection
	// (default DefaultHeartbeat).
	Heartbeat time.Duration
}

// Open returns the Postgres locker of o.URL, or the local one when o.URL
// is empty. See OpenPostgres and OpenLocal for their errors.
func Open(ctx context.Context, o Options) (Locker, error) {
	if o.URL == "" {
		return OpenLocal(o)
	}
	return OpenPostgres(ctx, o)
}

// Guard returns a context that ends when parent does or when l's locks
// are lost or released; context.Cause tells which (ErrLost, ErrClosed or
// the parent's cause). Call stop when done to free its resources.
func Guard(parent context.Context, l Locker) (ctx context.Context, stop context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	held := l.Context()
	unwatch := context.AfterFunc(held, func() { cancel(context.Cause(held)) })
	return ctx, func() {
		unwatch()
		cancel(context.Canceled)
	}
}

func requireScope(scope string) error {
	if scope == "" {
		return errors.New("lock: no scope given (the endpoint URL or -lock-scope): locks are always taken in a scope")
	}
	return nil
}
