package lock

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Lock implements Locker; see the package documentation for the order in
// which keys are taken and why that cannot deadlock.
func (p *Postgres) Lock(ctx context.Context, names []string, wait Wait) error {
	return p.lock(ctx, names, wait, false)
}

// TryLock implements Locker.
func (p *Postgres) TryLock(ctx context.Context, names []string) error {
	return p.lock(ctx, names, Wait{}, true)
}

func (p *Postgres) lock(ctx context.Context, names []string, wait Wait, tryOnly bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.usable(); err != nil {
		return err
	}
	want := keysFor(p.keyOf, p.scope, names, p.alreadyHeld)
	if len(want) == 0 {
		return nil
	}
	notWaited := !tryOnly && len(p.held) > 0
	tryOnly = tryOnly || notWaited

	start := time.Now()
	taken := 0 // want[:taken] are held by this call
	var reported *Contention
	var lastReport time.Time
	for emptyLooks, first := 0, true; ; first = false {
		n, err := p.takePrefix(ctx, want[taken:], first)
		if err != nil {
			return p.fail(ctx, want, err)
		}
		taken += n
		if taken == len(want) {
			for _, k := range want {
				p.held[k.key] = k.names
			}
			return nil
		}
		rest := want[taken:]
		c, err := p.contention(ctx, rest)
		if err != nil {
			return p.fail(ctx, want, err)
		}
		if !tryOnly && wait.Timeout > 0 {
			c.Waited = time.Since(start) // a run that may not wait has waited for nothing
		}
		if len(c.Held) == 0 {
			// Freed between the two statements: try again at once, but
			// not forever (a holder that keeps coming and going).
			if emptyLooks++; emptyLooks < 3 {
				continue
			}
			c.Held = []Held{{Name: rest[0].names[0]}}
		}
		if tryOnly || wait.Timeout <= 0 || time.Since(start) >= wait.Timeout {
			if err := p.undo(want[:taken]); err != nil {
				return err
			}
			return &HeldError{Contention: c, NotWaited: notWaited}
		}
		if wait.Report != nil && (reported == nil || time.Since(lastReport) >= wait.interval() || !sameHolders(*reported, c)) {
			wait.Report(c)
			reported, lastReport = &c, time.Now()
		}
		chunk := min(wait.interval(), wait.Timeout-time.Since(start))
		ok, err := p.waitOne(ctx, rest[0], chunk)
		if err != nil {
			return p.fail(ctx, want, err)
		}
		if ok {
			taken++
		}
	}
}

// alreadyHeld reports whether this run holds k; a new name that shares a
// held key (a collision) is added to the names held under it.
func (p *Postgres) alreadyHeld(k int64, name string) bool {
	names, ok := p.held[k]
	if ok && !slices.Contains(names, name) {
		p.held[k] = append(names, name)
	}
	return ok
}

// takePrefix takes keys in order up to the first one held elsewhere and
// records them, in one round trip. With cleanup (a call's first attempt)
// it first deletes the rows of sessions that are gone; on the session's
// first lock it records the holder.
func (p *Postgres) takePrefix(ctx context.Context, keys []lockKey, cleanup bool) (int, error) {
	ks, ns := keyArrays(keys)
	b := &pgx.Batch{}
	if cleanup {
		b.Queue(sqlDeleteGoneHolders)
		b.Queue(sqlDeleteOrphanLocks)
	}
	holderID := p.holderID
	if holderID == 0 {
		holderID = newHolderID()
		pr := p.process
		b.Queue(sqlInsertHolder, holderID, p.scope, pr.User, pr.Host, pr.PID, pr.Command, pr.CIRunID, pr.CIRunURL)
	}
	var n int
	b.Queue(sqlTakePrefix, ks, ns, p.scope, holderID).QueryRow(func(row pgx.Row) error { return row.Scan(&n) })
	if err := p.conn.SendBatch(ctx, b).Close(); err != nil {
		return 0, err
	}
	p.holderID = holderID
	return n, nil
}

// waitOne waits up to d for k; ok reports whether it was taken. When the
// wait ends without it, k is released in case the lock came just as the
// wait timed out.
func (p *Postgres) waitOne(ctx context.Context, k lockKey, d time.Duration) (ok bool, err error) {
	d = max(d, time.Millisecond)
	sctx, cancel := context.WithTimeout(ctx, d+statementGrace)
	defer cancel()
	b := &pgx.Batch{}
	b.Queue(sqlSetLockTimeout, strconv.FormatInt(d.Milliseconds(), 10)+"ms")
	b.Queue(sqlWaitOne, k.key, k.names[0], p.scope, p.holderID)
	err = p.conn.SendBatch(sctx, b).Close()
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &pgErr) && pgErr.Code == "55P03": // lock_not_available: the timeout
		return false, p.undo([]lockKey{k})
	default:
		return false, err
	}
}

// contention says who holds which of keys.
func (p *Postgres) contention(ctx context.Context, keys []lockKey) (Contention, error) {
	ks, _ := keyArrays(keys)
	rows, err := p.conn.Query(ctx, sqlHolders, ks)
	if err != nil {
		return Contention{}, err
	}
	byKey := make(map[int64]lockKey, len(keys))
	for _, k := range keys {
		byKey[k.key] = k
	}
	c := Contention{Scope: p.scope}
	for rows.Next() {
		var key int64
		var known bool
		var heldAs string
		var h Holder
		if err := rows.Scan(&key, &known, &heldAs, &h.User, &h.Host, &h.PID, &h.Command, &h.CIRunID, &h.CIRunURL, &h.Since); err != nil {
			rows.Close()
			return Contention{}, err
		}
		var holder *Holder
		if known {
			holder = &h
		} else {
			heldAs = ""
		}
		for _, name := range byKey[key].names {
			as := heldAs
			if as == name {
				as = ""
			}
			c.Held = append(c.Held, Held{Name: name, HeldAs: as, Holder: holder})
		}
	}
	if err := rows.Err(); err != nil {
		return Contention{}, err
	}
	sortHeld(c.Held)
	return c, nil
}

// undo releases keys this call took, and their rows. When that fails the
// session is no longer trustworthy: it is closed (the server frees
// everything) and the locks count as lost.
func (p *Postgres) undo(keys []lockKey) error {
	if len(keys) == 0 {
		return nil
	}
	ks, _ := keyArrays(keys)
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	b := &pgx.Batch{}
	b.Queue(sqlUndoRows, ks, p.holderID)
	b.Queue(sqlUndoLocks, ks)
	if err := p.conn.SendBatch(ctx, b).Close(); err != nil {
		p.lose(fmt.Errorf("could not release the locks of a failed Lock: %w", err))
		return context.Cause(p.alive)
	}
	return nil
}

// fail is Lock's way out on an error: it releases what this call may have
// taken of want, and says what went wrong.
func (p *Postgres) fail(ctx context.Context, want []lockKey, err error) error {
	if p.conn.IsClosed() {
		p.lose(err)
		return context.Cause(p.alive)
	}
	if undoErr := p.undo(want); undoErr != nil {
		return undoErr
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return p.redact(fmt.Errorf("lock: at %s: %w", p.addr, err))
}

// keyArrays is keys as parallel arrays of keys and first names, the way
// the statements take them.
func keyArrays(keys []lockKey) ([]int64, []string) {
	ks := make([]int64, len(keys))
	ns := make([]string, len(keys))
	for i, k := range keys {
		ks[i], ns[i] = k.key, k.names[0]
	}
	return ks, ns
}

// sameHolders reports whether a and b list the same names and holders.
func sameHolders(a, b Contention) bool {
	return slices.EqualFunc(a.Held, b.Held, func(x, y Held) bool {
		return x.Name == y.Name && x.HeldAs == y.HeldAs && holderID(x.Holder) == holderID(y.Holder)
	})
}
