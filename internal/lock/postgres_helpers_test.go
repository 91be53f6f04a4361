package lock

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vpsfleet/vpsfleet/internal/pgtest"
	"github.com/vpsfleet/vpsfleet/internal/runinfo"
)

// testDB is the package's database for its Postgres tests; tests keep
// apart by using scopes of their own.
var testDB pgtest.Shared

func TestMain(m *testing.M) {
	code := m.Run()
	if err := testDB.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// database is the package's test database, or skips/fails t (pgtest.URL).
func database(t testing.TB) string {
	t.Helper()
	return testDB.URL(t)
}

// scopeFor is a scope no other test uses.
func scopeFor(t testing.TB) string { return "test:" + t.Name() }

// who is a run described as user on host.
func who(user string, pid int) runinfo.Process {
	return runinfo.Process{User: user, Host: "host-" + user, PID: pid, Command: "vpsfleet apply -auto-approve", CIRunID: "BUILD_ID=" + user}
}

// openPG opens a Postgres locker for t, closed when t ends.
func openPG(t testing.TB, scope string, p runinfo.Process) *Postgres {
	t.Helper()
	l, err := OpenPostgres(context.Background(), Options{URL: database(t), Scope: scope, Process: p, Heartbeat: 20 * time.Millisecond})
	if err != nil {
		t.Fatalf("OpenPostgres: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// backendPID is the server process of l's session.
func backendPID(t testing.TB, l *Postgres) uint32 {
	t.Helper()
	var pid uint32
	if err := l.WithConn(context.Background(), func(c *pgx.Conn) error { pid = c.PgConn().PID(); return nil }); err != nil {
		t.Fatal(err)
	}
	return pid
}

// observer is a plain session to look at pg_locks and the lock tables.
func observer(t testing.TB) *pgx.Conn {
	t.Helper()
	return pgtest.Connect(t, database(t))
}

// advisoryKeys is the advisory lock keys session pid holds, ascending.
func advisoryKeys(t testing.TB, obs *pgx.Conn, pid uint32) []int64 {
	t.Helper()
	rows, err := obs.Query(context.Background(), `
		SELECT ((classid::bigint << 32) | objid::bigint)
		FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1 AND granted AND pid = $1
		ORDER BY 1`, int32(pid))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// count runs a count(*) query.
func count(t testing.TB, obs *pgx.Conn, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := obs.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// names is n names with prefix.
func names(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%04d", prefix, i+1)
	}
	return out
}

// heldError is err as a *HeldError, or fails t.
func heldError(t testing.TB, err error) *HeldError {
	t.Helper()
	h, ok := err.(*HeldError)
	if !ok {
		t.Fatalf("err = %v (%T), want a *HeldError", err, err)
	}
	return h
}

// waitDone waits for ctx to end, failing t after a generous bound (a
// guard against hanging, not a timing assertion).
func waitDone(t testing.TB, ctx context.Context, what string) {
	t.Helper()
	select {
	case <-ctx.Done():
	case <-time.After(time.Minute):
		t.Fatalf("%s: still not done after a minute", what)
	}
}
