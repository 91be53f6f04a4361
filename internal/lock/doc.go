// Package lock keeps two vpsfleet runs from changing the same servers of
// one account at the same time.
//
// A run locks every server name it will touch (creates, deletes, both
// names of a rename, the temporary names of create_before_destroy) in a
// scope: by default the API endpoint URL, or a name the user gives when
// several endpoints or tokens reach one account. Nothing is ever derived
// from the API token.
//
// Two backends implement Locker:
//
//   - Postgres: session-level advisory locks on one dedicated PostgreSQL
//     connection held for the whole run, one lock per (scope, name), so
//     runs on disjoint names of one account proceed side by side. A lock
//     lives exactly as long as the session: when the holder exits,
//     crashes or loses its connection, the server releases its locks, so
//     there is no stale lock to force-unlock. Who holds what is recorded
//     in the table vpsfleet.locks beside the advisory locks and shown to
//     waiting runs; a row is only ever shown while its holder's session
//     really holds the advisory lock (it is joined with pg_locks), so a
//     crashed holder's rows never mislead.
//   - Local: without a lock database, a file lock (flock) per scope in the
//     user's cache directory serialises runs on one machine. It locks the
//     whole scope, not single names.
//
// # Keys
//
// The advisory lock of name in scope is Key(scope, name): the first 8
// bytes, read big-endian as a signed 64-bit integer, of
// SHA-256("vpsfleet lock" || 0x00 || uvarint(len(scope)) || scope || name).
// The length prefix keeps ("ab", "c") and ("a", "bc") apart. PostgreSQL
// shows the key in pg_locks as classid (high 32 bits) and objid (low 32
// bits) with objsubid 1.
//
// Two different (scope, name) pairs may share a key: for a run of 1,000
// names in a database where a million other keys are held, the odds are
// about 1 in 18 billion. A collision only
// over-serialises: both names are guarded by one lock, so a run that
// wants one of them waits for the run that holds the other, and the
// waiting run is told which name the holder took. It never lets two runs
// hold one name. Another application's advisory locks in the same
// database share the key space in the same way; use a database of its
// own for locks to rule that out.
//
// # Order, waiting and deadlocks
//
// Lock takes a run's keys in ascending key order: first in one round
// trip, as many as are free in that order (it stops at the first held
// one), then it waits for the first held key and goes on from there. A
// run so only ever waits for a key greater than every key it holds, and
// two runs cannot deadlock. Further names taken after the first call
// (when a re-plan under the lock needs more) could break that order, so
// they are never waited for: TryLock, and Lock on a locker that already
// holds locks, take them at once or fail with a *HeldError saying who
// holds which.
//
// # Wiring a run
//
//	l, err := lock.Open(ctx, lock.Options{URL: lockURL, Scope: scope, Process: runinfo.Current(os.Args)})
//	if err != nil { ... }               // unreachable database: nothing changed
//	defer l.Close()
//	if err := l.Lock(ctx, plan.Names(), lock.Wait{Timeout: lockTimeout, Report: show}); err != nil { ... }
//	// re-read the account and re-plan under the lock; then, if the new plan needs more:
//	if err := l.TryLock(ctx, extra); err != nil { ... }  // *HeldError: stop with its message
//	ctx, stop := lock.Guard(ctx, l)      // ends, with ErrLost as cause, when the lock is lost
//	defer stop()
//	// apply with ctx: no new work starts once it ends
package lock
