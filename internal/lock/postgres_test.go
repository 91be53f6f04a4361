package lock

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestPostgresLockAndClose(t *testing.T) {
	scope := scopeFor(t)
	a := openPG(t, scope, who("alice", 101))
	obs := observer(t)
	ctx := context.Background()
	want := []string{"web-02", "db-01", "web-01", "web-02"}
	if err := a.Lock(ctx, want, Wait{}); err != nil {
		t.Fatalf("Lock: %v", err)
	}
	if got := a.Held(); !slices.Equal(got, []string{"db-01", "web-01", "web-02"}) {
		t.Errorf("Held = %q", got)
	}
	pid := backendPID(t, a)
	wantKeys := []int64{Key(scope, "db-01"), Key(scope, "web-01"), Key(scope, "web-02")}
	slices.Sort(wantKeys)
	if got := advisoryKeys(t, obs, pid); !slices.Equal(got, wantKeys) {
		t.Errorf("pg_locks keys of the session = %v, want %v", got, wantKeys)
	}
	if n := count(t, obs, `SELECT count(*) FROM vpsfleet.locks l JOIN vpsfleet.lock_holders h ON h.id = l.holder_id
		WHERE h.backend_pid = $1 AND h.user_name = 'alice' AND l.scope = $2`, int32(pid), scope); n != 3 {
		t.Errorf("%d holder rows, want 3", n)
	}
	// Locking names already held changes nothing.
	if err := a.Lock(ctx, []string{"web-01"}, Wait{}); err != nil {
		t.Errorf("Lock of a held name: %v", err)
	}
	if got := advisoryKeys(t, obs, pid); len(got) != 3 {
		t.Errorf("re-locking a held name took another lock: %v", got)
	}

	if err := a.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if got := advisoryKeys(t, obs, pid); len(got) != 0 {
		t.Errorf("after Close the session still holds %v", got)
	}
	if n := count(t, obs, `SELECT count(*) FROM vpsfleet.lock_holders WHERE scope = $1`, scope); n != 0 {
		t.Errorf("after Close %d holder rows are left", n)
	}
	if !errors.Is(context.Cause(a.Context()), ErrClosed) {
		t.Errorf("Context cause after Close = %v, want ErrClosed", context.Cause(a.Context()))
	}
	if err := a.Lock(ctx, []string{"x"}, Wait{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Lock after Close = %v, want ErrClosed", err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestPostgresHeldFailsAtOnceNamingTheHolder(t *testing.T) {
	scope := scopeFor(t)
	a := openPG(t, scope, who("alice", 101))
	b := openPG(t, scope, who("bob", 202))
	obs := observer(t)
	ctx := context.Background()
	if err := a.Lock(ctx, []string{"web-01", "web-02", "web-03"}, Wait{}); err != nil {
		t.Fatal(err)
	}
	err := b.Lock(ctx, []string{"web-09", "web-02", "web-03", "db-01"}, Wait{})
	h := heldError(t, err)
	if h.Scope != scope || h.Waited != 0 || h.WholeScope || h.NotWaited {
		t.Errorf("HeldError = %+v", h)
	}
	var heldNames []string
	for _, x := range h.Held {
		heldNames = append(heldNames, x.Name)
		if x.Holder == nil || x.Holder.User != "alice" || x.Holder.Host != "host-alice" || x.Holder.PID != 101 ||
			x.Holder.Command != "vpsfleet apply -auto-approve" || x.Holder.CIRunID != "BUILD_ID=alice" || x.Holder.Since.IsZero() {
			t.Errorf("holder of %s = %+v, want alice's run", x.Name, x.Holder)
		}
	}
	if !slices.Equal(heldNames, []string{"web-02", "web-03"}) {
		t.Errorf("held names = %q, want web-02, web-03", heldNames)
	}
	for _, s := range []string{"web-02, web-03 by alice@host-alice pid 101", "BUILD_ID=alice", "wait for it with -lock-timeout"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q lacks %q", err, s)
		}
	}
	// All or nothing: b holds none of the free names it asked for.
	if got := b.Held(); len(got) != 0 {
		t.Errorf("b holds %q after a failed Lock", got)
	}
	if got := advisoryKeys(t, obs, backendPID(t, b)); len(got) != 0 {
		t.Errorf("b's session holds %v after a failed Lock", got)
	}
	if n := count(t, obs, `SELECT count(*) FROM vpsfleet.locks l JOIN vpsfleet.lock_holders h ON h.id = l.holder_id WHERE h.user_name = 'bob'`); n != 0 {
		t.Errorf("b left %d lock rows after a failed Lock", n)
	}
	// TryLock is the same.
	if err := b.TryLock(ctx, []string{"web-01"}); !IsHeld(err) {
		t.Errorf("TryLock of a held name = %v", err)
	}
}

func TestPostgresDisjointNamesLockSideBySide(t *testing.T) {
	scope := scopeFor(t)
	a := openPG(t, scope, who("alice", 1))
	b := openPG(t, scope, who("bob", 2))
	other := openPG(t, scope+"-other", who("carol", 3))
	ctx := context.Background()
	if err := a.Lock(ctx, names("web", 50), Wait{}); err != nil {
		t.Fatal(err)
	}
	if err := b.Lock(ctx, names("db", 50), Wait{}); err != nil {
		t.Errorf("disjoint names in one scope: %v", err)
	}
	if err := other.Lock(ctx, names("web", 50), Wait{}); err != nil {
		t.Errorf("the same names in another scope: %v", err)
	}
}

func TestPostgresWaitsForTheHolder(t *testing.T) {
	scope := scopeFor(t)
	a := openPG(t, scope, who("alice", 1))
	b := openPG(t, scope, who("bob", 2))
	ctx := context.Background()
	if err := a.Lock(ctx, []string{"web-01", "web-02"}, Wait{}); err != nil {
		t.Fatal(err)
	}
	var reports []Contention
	err := b.Lock(ctx, []string{"web-02", "web-03"}, Wait{Timeout: time.Minute, Interval: 10 * time.Millisecond, Report: func(c Contention) {
		reports = append(reports, c)
		if len(reports) == 3 {
			go a.Close()
		}
	}})
	if err != nil {
		t.Fatalf("Lock with a timeout, holder released: %v", err)
	}
	if got := b.Held(); !slices.Equal(got, []string{"web-02", "web-03"}) {
		t.Errorf("Held = %q", got)
	}
	if len(reports) < 3 {
		t.Fatalf("%d reports, want at least 3", len(reports))
	}
	first := reports[0]
	if len(first.Held) != 1 || first.Held[0].Name != "web-02" || first.Held[0].Holder == nil || first.Held[0].Holder.User != "alice" {
		t.Errorf("first report = %+v, want web-02 held by alice", first)
	}
	for i := 1; i < len(reports); i++ {
		if reports[i].Waited < reports[i-1].Waited {
			t.Errorf("report %d waited %s, less than the one before (%s)", i, reports[i].Waited, reports[i-1].Waited)
		}
	}
}

func TestPostgresWaitEndsAtTheTimeout(t *testing.T) {
	scope := scopeFor(t)
	a := openPG(t, scope, who("alice", 1))
	b := openPG(t, scope, who("bob", 2))
	obs := observer(t)
	ctx := context.Background()
	if err := a.Lock(ctx, []string{"web-0005"}, Wait{}); err != nil {
		t.Fatal(err)
	}
	reports := 0
	timeout := 150 * time.Millisecond
	err := b.Lock(ctx, names("web", 10), Wait{Timeout: timeout, Interval: 40 * time.Millisecond, Report: func(Contention) { reports++ }})
	h := heldError(t, err)
	if h.Waited < timeout {
		t.Errorf("gave up after %s, before the timeout %s", h.Waited, timeout)
	}
	if len(h.Held) != 1 || h.Held[0].Name != "web-0005" {
		t.Errorf("Held = %+v, want web-0005", h.Held)
	}
	if reports == 0 {
		t.Error("no report while waiting")
	}
	if got := advisoryKeys(t, obs, backendPID(t, b)); len(got) != 0 {
		t.Errorf("after timing out b still holds %v", got)
	}
}

// TestPostgresHoldsOnlyAPrefixWhileWaiting checks the order that makes
// deadlocks impossible: while waiting for a key, a run holds exactly the
// smaller keys it wants, none above.
func TestPostgresHoldsOnlyAPrefixWhileWaiting(t *testing.T) {
	scope := scopeFor(t)
	a := openPG(t, scope, who("alice", 1))
	b := openPG(t, scope, who("bob", 2))
	obs := observer(t)
	ctx := context.Background()
	all := names("web", 20)
	keys := keysFor(Key, scope, all, nil)
	middle := keys[8]
	if err := a.Lock(ctx, middle.names, Wait{}); err != nil {
		t.Fatal(err)
	}
	bPID := backendPID(t, b)
	var prefix []int64
	done := make(chan error, 1)
	go func() {
		done <- b.Lock(ctx, all, Wait{Timeout: time.Minute, Interval: 10 * time.Millisecond, Report: func(Contention) {
			if prefix == nil {
				prefix = advisoryKeys(t, obs, bPID)
				go a.Close()
			}
		}})
	}()
	if err := <-done; err != nil {
		t.Fatalf("Lock: %v", err)
	}
	var want []int64
	for _, k := range keys[:8] {
		want = append(want, k.key)
	}
	if !slices.Equal(prefix, want) {
		t.Errorf("while waiting for key #9, b held %v\nwant exactly the 8 smaller keys %v", prefix, want)
	}
	if got := advisoryKeys(t, obs, bPID); len(got) != 20 {
		t.Errorf("at the end b holds %d keys, want 20", len(got))
	}
}

// TestPostgresContendedRunsNeverShareANameNorDeadlock runs several
// lockers on overlapping name sets given in different orders, checking
// that no name is ever held by two at once and that every Lock ends.
func TestPostgresContendedRunsNeverShareANameNorDeadlock(t *testing.T) {
	scope := scopeFor(t)
	pool := names("web", 12)
	var mu sync.Mutex
	holders := map[string]int{}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 4 {
		wg.Go(func() {
			for round := range 6 {
				l, err := OpenPostgres(context.Background(), Options{URL: database(t), Scope: scope, Process: who("w", w)})
				if err != nil {
					errs <- err
					return
				}
				// Each worker wants a different window of the pool, in its own order.
				want := slices.Clone(pool[(w*3+round)%6 : (w*3+round)%6+6])
				if w%2 == 1 {
					slices.Reverse(want)
				}
				if err := l.Lock(context.Background(), want, Wait{Timeout: time.Minute, Interval: 5 * time.Millisecond}); err != nil {
					errs <- err
					l.Close()
					return
				}
				mu.Lock()
				for _, n := range want {
					holders[n]++
					if holders[n] > 1 {
						errs <- errors.New(n + " held by two runs at once")
					}
				}
				mu.Unlock()
				time.Sleep(2 * time.Millisecond) // hold a moment, so runs overlap
				mu.Lock()
				for _, n := range want {
					holders[n]--
				}
				mu.Unlock()
				if err := l.Close(); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestPostgresFurtherNamesNeverWait(t *testing.T) {
	scope := scopeFor(t)
	a := openPG(t, scope, who("alice", 1))
	b := openPG(t, scope, who("bob", 2))
	ctx := context.Background()
	if err := a.Lock(ctx, []string{"web-07"}, Wait{}); err != nil {
		t.Fatal(err)
	}
	if err := b.Lock(ctx, []string{"web-01", "web-02"}, Wait{}); err != nil {
		t.Fatal(err)
	}
	reported := false
	err := b.Lock(ctx, []string{"web-03", "web-07"}, Wait{Timeout: time.Minute, Report: func(Contention) { reported = true }})
	h := heldError(t, err)
	if !h.NotWaited || reported || len(h.Held) != 1 || h.Held[0].Name != "web-07" {
		t.Errorf("HeldError = %+v (reported %v), want web-07, not waited for", h, reported)
	}
	if got := b.Held(); !slices.Equal(got, []string{"web-01", "web-02"}) {
		t.Errorf("after a failed further Lock b holds %q, want its first names only", got)
	}
	if err := b.TryLock(ctx, []string{"web-03"}); err != nil {
		t.Errorf("TryLock of a free further name: %v", err)
	}
	if got := b.Held(); !slices.Equal(got, []string{"web-01", "web-02", "web-03"}) {
		t.Errorf("Held = %q", got)
	}
}

func TestPostgresCancelWhileWaiting(t *testing.T) {
	scope := scopeFor(t)
	a := openPG(t, scope, who("alice", 1))
	b := openPG(t, scope, who("bob", 2))
	obs := observer(t)
	if err := a.Lock(context.Background(), []string{"web-02"}, Wait{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	stopped := errors.New("interrupted by the test")
	err := b.Lock(ctx, []string{"web-01", "web-02"}, Wait{Timeout: time.Hour, Interval: time.Hour, Report: func(Contention) {
		go func() {
			time.Sleep(50 * time.Millisecond) // let the wait start on the server
			cancel(stopped)
		}()
	}})
	if !errors.Is(err, stopped) {
		t.Fatalf("Lock after cancel = %v, want the context's cause", err)
	}
	if b.Context().Err() != nil {
		t.Errorf("cancelling a wait lost the session: %v", context.Cause(b.Context()))
	}
	if got := advisoryKeys(t, obs, backendPID(t, b)); len(got) != 0 {
		t.Errorf("after a cancelled Lock b holds %v", got)
	}
	if err := b.Lock(context.Background(), []string{"web-01"}, Wait{}); err != nil {
		t.Errorf("Lock after a cancelled one: %v", err)
	}
}

// TestPostgresHolderTerminated ends the holder's session on the server:
// the holder sees its locks lost, and the next run takes the names at
// once with no trace of the old holder.
func TestPostgresHolderTerminated(t *testing.T) {
	scope := scopeFor(t)
	a := openPG(t, scope, who("alice", 1))
	obs := observer(t)
	ctx := context.Background()
	want := names("web", 5)
	if err := a.Lock(ctx, want, Wait{}); err != nil {
		t.Fatal(err)
	}
	aPID := backendPID(t, a)
	guarded, stop := Guard(ctx, a)
	defer stop()
	var ok bool
	if err := obs.QueryRow(ctx, `SELECT pg_terminate_backend($1, 10000)`, int32(aPID)).Scan(&ok); err != nil || !ok {
		t.Fatalf("pg_terminate_backend: %v %v", ok, err)
	}

	waitDone(t, a.Context(), "the holder's Context after its session was terminated")
	cause := context.Cause(a.Context())
	if !errors.Is(cause, ErrLost) || !strings.Contains(cause.Error(), "no new work may start") {
		t.Errorf("cause = %v, want ErrLost saying to stop", cause)
	}
	waitDone(t, guarded, "Guard's context")
	if !errors.Is(context.Cause(guarded), ErrLost) {
		t.Errorf("Guard cause = %v, want ErrLost", context.Cause(guarded))
	}
	if err := a.Lock(ctx, []string{"db-01"}, Wait{}); !errors.Is(err, ErrLost) {
		t.Errorf("Lock on a lost locker = %v, want ErrLost", err)
	}

	// The stale rows are still there, but never shown...
	c := openPG(t, scope, who("carol", 3))
	if err := c.Lock(ctx, []string{"unrelated"}, Wait{}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, obs, `SELECT count(*) FROM vpsfleet.lock_holders WHERE backend_pid = $1`, int32(aPID)); n != 0 {
		t.Errorf("the next run left %d holder rows of the terminated session", n)
	}
	// ...and the next taker proceeds at once.
	b := openPG(t, scope, who("bob", 2))
	if err := b.Lock(ctx, want, Wait{}); err != nil {
		t.Fatalf("Lock after the holder's session ended: %v", err)
	}
	err := c.TryLock(ctx, want[:1])
	h := heldError(t, err)
	if h.Held[0].Holder == nil || h.Held[0].Holder.User != "bob" {
		t.Errorf("holder shown = %+v, want bob (never the terminated alice)", h.Held[0].Holder)
	}
}

func TestPostgresStaleRowIsNeverShown(t *testing.T) {
	scope := scopeFor(t)
	a := openPG(t, scope, who("alice", 1))
	obs := observer(t)
	ctx := context.Background()
	if err := a.Lock(ctx, []string{"web-01"}, Wait{}); err != nil {
		t.Fatal(err)
	}
	// Another program (no holder row) holds web-01's key after alice's
	// row was left behind: simulate by releasing alice's advisory lock
	// under her, then taking the key from a plain session.
	if err := a.WithConn(ctx, func(conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, `SELECT pg_advisory_unlock_all()`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := obs.Exec(ctx, `SELECT pg_advisory_lock($1)`, Key(scope, "web-01")); err != nil {
		t.Fatal(err)
	}
	b := openPG(t, scope, who("bob", 2))
	h := heldError(t, b.TryLock(ctx, []string{"web-01"}))
	if h.Held[0].Holder != nil || h.Held[0].HeldAs != "" {
		t.Errorf("shown %+v for a key held by a session without a row; alice's row is stale and must not show", h.Held[0])
	}
	if !strings.Contains(h.Error(), "left no record of itself") {
		t.Errorf("error = %q", h.Error())
	}
}

func TestPostgresCollidingNamesShareALock(t *testing.T) {
	scope := scopeFor(t)
	a := openPG(t, scope, who("alice", 1))
	b := openPG(t, scope, who("bob", 2))
	collide := func(scope, name string) int64 { return Key(scope, name[:3]) } // web-01 and web-99 collide
	a.keyOf, b.keyOf = collide, collide
	ctx := context.Background()
	if err := a.Lock(ctx, []string{"web-01", "web-02"}, Wait{}); err != nil {
		t.Fatal(err)
	}
	if got := a.Held(); !slices.Equal(got, []string{"web-01", "web-02"}) {
		t.Errorf("Held = %q", got)
	}
	h := heldError(t, b.Lock(ctx, []string{"web-99"}, Wait{}))
	if len(h.Held) != 1 || h.Held[0].Name != "web-99" || h.Held[0].HeldAs != "web-01" || h.Held[0].Holder == nil {
		t.Errorf("Held = %+v, want web-99 held as web-01 by alice", h.Held)
	}
	if !strings.Contains(h.Error(), "web-99 (held as web-01)") {
		t.Errorf("error = %q", h.Error())
	}
}
