package pgschema_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/internal/pgschema"
	"github.com/vpsfleet/vpsfleet/internal/pgtest"
)

var widgets = pgschema.Component{Name: "widgets", Steps: []string{
	`CREATE TABLE vpsfleet.widgets (id bigint PRIMARY KEY)`,
	`ALTER TABLE vpsfleet.widgets ADD COLUMN name text NOT NULL DEFAULT ''`,
}}

func TestEnsureCreatesOnceAndUpgrades(t *testing.T) {
	db := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, db)
	ctx := context.Background()

	v1 := pgschema.Component{Name: "widgets", Steps: widgets.Steps[:1]}
	if err := pgschema.Ensure(ctx, conn, v1); err != nil {
		t.Fatalf("first Ensure: %v", err)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO vpsfleet.widgets (id) VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	var stamp time.Time
	if err := conn.QueryRow(ctx, `SELECT updated_at FROM vpsfleet.schema_version WHERE component = 'widgets'`).Scan(&stamp); err != nil {
		t.Fatal(err)
	}

	// A second open of the same version changes nothing.
	if err := pgschema.Ensure(ctx, conn, v1); err != nil {
		t.Fatalf("second Ensure: %v", err)
	}
	var n int
	var again time.Time
	if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM vpsfleet.widgets), (SELECT updated_at FROM vpsfleet.schema_version WHERE component = 'widgets')`).Scan(&n, &again); err != nil {
		t.Fatal(err)
	}
	if n != 1 || !again.Equal(stamp) {
		t.Errorf("second Ensure recreated or re-recorded: %d rows (want 1), updated_at %v (want %v)", n, again, stamp)
	}

	// A newer component applies only its new step, keeping the data.
	if err := pgschema.Ensure(ctx, conn, widgets); err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	var name string
	var version int
	if err := conn.QueryRow(ctx, `SELECT name, (SELECT version FROM vpsfleet.schema_version WHERE component = 'widgets') FROM vpsfleet.widgets WHERE id = 1`).Scan(&name, &version); err != nil {
		t.Fatalf("after upgrade: %v", err)
	}
	if version != 2 {
		t.Errorf("version = %d, want 2", version)
	}

	// An older vpsfleet refuses tables a newer one made.
	err := pgschema.Ensure(ctx, conn, v1)
	if err == nil || !strings.Contains(err.Error(), "version 2, newer than this vpsfleet knows (1)") {
		t.Errorf("Ensure of an older component = %v, want a newer-version error", err)
	}
}

func TestEnsureConcurrentFirstUse(t *testing.T) {
	db := pgtest.NewDatabase(t)
	const runs = 4
	var wg sync.WaitGroup
	errs := make([]error, runs)
	for i := range runs {
		conn := pgtest.Connect(t, db)
		wg.Go(func() { errs[i] = pgschema.Ensure(context.Background(), conn, widgets) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("run %d: %v", i, err)
		}
	}
}

func TestEnsureFailedStepChangesNothing(t *testing.T) {
	db := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, db)
	ctx := context.Background()
	bad := pgschema.Component{Name: "bad", Steps: []string{
		`CREATE TABLE vpsfleet.bad (id bigint)`,
		`ALTER TABLE vpsfleet.bad ADD COLUMN id bigint`, // duplicate column
	}}
	err := pgschema.Ensure(ctx, conn, bad)
	if err == nil || !strings.Contains(err.Error(), "upgrade the bad tables from version 1 to 2") {
		t.Fatalf("Ensure = %v, want the failing step named", err)
	}
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('vpsfleet.bad') IS NOT NULL`).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Error("a failed migration left its first step's table behind")
	}
}
