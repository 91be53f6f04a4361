package lock

import "github.com/vpsfleet/vpsfleet/internal/pgschema"

// schema is the lock's part of the vpsfleet schema.
//
//   - lock_holders: one row per run that holds locks, keyed by a random
//     id, with its session (backend pid and start) and who it is.
//   - locks: one row per advisory lock key held, naming the holder row.
//
// Rows are only a description: the advisory locks decide. A row is shown
// only while pg_locks says its holder's session holds that key, and rows
// of sessions that are gone are deleted by the next run that locks.
var schema = pgschema.Component{Name: "lock", Steps: []string{`
	CREATE TABLE vpsfleet.lock_holders (
		id            bigint PRIMARY KEY,
		backend_pid   integer NOT NULL,
		backend_start timestamptz,
		scope         text NOT NULL,
		user_name     text NOT NULL,
		host          text NOT NULL,
		pid           integer NOT NULL,
		command       text NOT NULL,
		ci_run_id     text NOT NULL DEFAULT '',
		ci_run_url    text NOT NULL DEFAULT '',
		since         timestamptz NOT NULL DEFAULT now()
	);
	CREATE TABLE vpsfleet.locks (
		key       bigint PRIMARY KEY,
		scope     text NOT NULL,
		name      text NOT NULL,
		holder_id bigint NOT NULL,
		taken_at  timestamptz NOT NULL DEFAULT now()
	);
	CREATE INDEX locks_holder_id ON vpsfleet.locks (holder_id);
`}}

// sqlDeleteGoneHolders deletes the holder rows of sessions that no longer
// exist (a pid with another backend_start is another session). Rows
// another run is deleting are skipped, never waited for.
const sqlDeleteGoneHolders = `
DELETE FROM vpsfleet.lock_holders WHERE id IN (
	SELECT h.id FROM vpsfleet.lock_holders h
	WHERE NOT EXISTS (
		SELECT 1 FROM pg_stat_activity a
		WHERE a.pid = h.backend_pid
		  AND (a.backend_start IS NULL OR h.backend_start IS NULL OR a.backend_start = h.backend_start))
	FOR UPDATE SKIP LOCKED)`

// sqlDeleteOrphanLocks deletes lock rows whose holder row is gone.
const sqlDeleteOrphanLocks = `
DELETE FROM vpsfleet.locks WHERE key IN (
	SELECT l.key FROM vpsfleet.locks l
	WHERE NOT EXISTS (SELECT 1 FROM vpsfleet.lock_holders h WHERE h.id = l.holder_id)
	FOR UPDATE SKIP LOCKED)`

// sqlInsertHolder records this run: $1 id, $2 scope, $3 user, $4 host,
// $5 pid, $6 command, $7 CI run id, $8 CI run URL.
const sqlInsertHolder = `
INSERT INTO vpsfleet.lock_holders
	(id, backend_pid, backend_start, scope, user_name, host, pid, command, ci_run_id, ci_run_url)
SELECT $1, pg_backend_pid(), (SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()),
	$2, $3, $4, $5, $6, $7, $8`

// sqlTakePrefix tries the keys $1 in their order and stops at the first
// one another session holds; it records the ones taken (names $2, scope
// $3, holder $4) and returns how many it took. One round trip however
// many keys.
const sqlTakePrefix = `
WITH RECURSIVE tried (i, ok) AS (
		SELECT 0, true
	UNION ALL
		SELECT i + 1, pg_try_advisory_lock(($1::bigint[])[i + 1])
		FROM tried WHERE ok AND i < cardinality($1::bigint[])
), taken AS MATERIALIZED (
	SELECT i FROM tried WHERE i > 0 AND ok
), recorded AS (
	INSERT INTO vpsfleet.locks (key, scope, name, holder_id)
	SELECT ($1::bigint[])[i], $3, ($2::text[])[i], $4 FROM taken
	ON CONFLICT (key) DO UPDATE
	SET scope = EXCLUDED.scope, name = EXCLUDED.name, holder_id = EXCLUDED.holder_id, taken_at = now()
)
SELECT count(*) FROM taken`

// sqlWaitOne waits for key $1 (bounded by the lock_timeout the batch
// sets) and records it: name $2, scope $3, holder $4.
const sqlWaitOne = `
WITH got AS MATERIALIZED (SELECT pg_advisory_lock($1::bigint))
INSERT INTO vpsfleet.locks (key, scope, name, holder_id)
SELECT $1, $3, $2, $4 FROM got
ON CONFLICT (key) DO UPDATE
SET scope = EXCLUDED.scope, name = EXCLUDED.name, holder_id = EXCLUDED.holder_id, taken_at = now()`

// sqlSetLockTimeout bounds the waits of the rest of the batch ($1: "250ms").
const sqlSetLockTimeout = `SELECT set_config('lock_timeout', $1, true)`

// sqlHolders finds, for the keys $1, the other sessions that hold them
// (pg_locks) and what those sessions recorded about themselves. A key
// nobody else holds is left out; a holder row is only joined when its
// session is the one holding the key, so stale rows never show.
const sqlHolders = `
SELECT k.key, h.id IS NOT NULL, COALESCE(lk.name, ''), COALESCE(h.user_name, ''), COALESCE(h.host, ''),
	COALESCE(h.pid, 0), COALESCE(h.command, ''), COALESCE(h.ci_run_id, ''), COALESCE(h.ci_run_url, ''),
	COALESCE(lk.taken_at, h.since, now())
FROM unnest($1::bigint[]) AS k(key)
JOIN pg_locks pl
	ON pl.locktype = 'advisory'
	AND pl.database = (SELECT oid FROM pg_database WHERE datname = current_database())
	AND pl.classid = ((k.key >> 32) & 4294967295)::oid
	AND pl.objid = (k.key & 4294967295)::oid
	AND pl.objsubid = 1
	AND pl.granted
	AND pl.pid <> pg_backend_pid()
LEFT JOIN vpsfleet.locks lk ON lk.key = k.key
LEFT JOIN vpsfleet.lock_holders h ON h.id = lk.holder_id AND h.backend_pid = pl.pid`

// sqlUndo releases those of the keys $1 this session holds and deletes
// their rows of holder $2: the way back from a Lock that failed.
const sqlUndoRows = `DELETE FROM vpsfleet.locks WHERE holder_id = $2 AND key = ANY($1::bigint[])`

const sqlUndoLocks = `
SELECT count(*) FILTER (WHERE pg_advisory_unlock(k.key))
FROM unnest($1::bigint[]) AS k(key)
WHERE EXISTS (
	SELECT 1 FROM pg_locks pl
	WHERE pl.pid = pg_backend_pid() AND pl.locktype = 'advisory' AND pl.granted AND pl.objsubid = 1
	  AND pl.classid = ((k.key >> 32) & 4294967295)::oid AND pl.objid = (k.key & 4294967295)::oid)`

// sqlRelease* end a run: its rows first (while it still holds the locks,
// so no other run is writing them), then every advisory lock.
const (
	sqlReleaseLocks   = `DELETE FROM vpsfleet.locks WHERE holder_id = $1`
	sqlReleaseHolder  = `DELETE FROM vpsfleet.lock_holders WHERE id = $1`
	sqlReleaseAdvisor = `SELECT pg_advisory_unlock_all()`
)
