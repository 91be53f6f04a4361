// Package pgschema creates and upgrades vpsfleet's tables in a PostgreSQL
// database on first use, one versioned component at a time.
//
// Everything lives in the schema "vpsfleet". The table
// vpsfleet.schema_version holds one row per component (for example
// "lock" and "journal"): its name and the number of migration steps
// applied. Ensure applies the missing steps in one transaction, under a
// transaction-level advisory lock so that two first runs at once do not
// race, and does nothing but read that one row when the schema is
// current.
package pgschema

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Name is the PostgreSQL schema that holds vpsfleet's tables.
const Name = "vpsfleet"

// migrationLockKey is the advisory lock (transaction level) held while a
// migration runs: the first 8 bytes of SHA-256("vpsfleet schema
// migration"), big-endian, as a signed 64-bit key.
var migrationLockKey = func() int64 {
	sum := sha256.Sum256([]byte("vpsfleet schema migration"))
	return int64(binary.BigEndian.Uint64(sum[:8]))
}()

// Component is one package's tables: Steps[i] is the SQL (one or more
// statements) that takes the component from version i to version i+1.
// Steps are never edited once released; a change is a new step.
type Component struct {
	Name  string
	Steps []string
}

// Version is the component's current version: the number of its steps.
func (c Component) Version() int { return len(c.Steps) }

// Ensure brings component c in the database of conn to c.Version(),
// creating the schema and the version table on first use. It does
// nothing else when c is already current. It fails, changing nothing,
// when the database holds a version newer than c knows (an older
// vpsfleet against tables a newer one made), or when the role may not
// create what is missing; the error names the component and the
// versions, or the privilege needed.
func Ensure(ctx context.Context, conn *pgx.Conn, c Component) error {
	v, err := current(ctx, conn, c.Name)
	if err != nil {
		return err
	}
	if v == c.Version() {
		return nil
	}
	if v > c.Version() {
		return newerError(c, v)
	}
	return migrate(ctx, conn, c)
}

// current is the component's version in the database: 0 when the
// version table or the component's row is missing.
func current(ctx context.Context, conn *pgx.Conn, component string) (int, error) {
	var v int
	err := conn.QueryRow(ctx, `SELECT version FROM vpsfleet.schema_version WHERE component = $1`, component).Scan(&v)
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
		return v, nil
	case errors.Is(err, pgx.ErrNoRows):
		return 0, nil
	case errors.As(err, &pgErr) && (pgErr.Code == "42P01" || pgErr.Code == "3F000"): // undefined table, schema
		return 0, nil
	default:
		return 0, fmt.Errorf("read the version of the %s tables (vpsfleet.schema_version): %w", component, err)
	}
}

func migrate(ctx context.Context, conn *pgx.Conn, c Component) (err error) {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("create the %s tables: %w", c.Name, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLockKey); err != nil {
		return fmt.Errorf("create the %s tables: wait for another run's migration: %w", c.Name, err)
	}
	if _, err := tx.Exec(ctx, `
		CREATE SCHEMA IF NOT EXISTS vpsfleet;
		CREATE TABLE IF NOT EXISTS vpsfleet.schema_version (
			component  text PRIMARY KEY,
			version    integer NOT NULL,
			updated_at timestamptz NOT NULL DEFAULT now()
		)`); err != nil {
		return privilegeHint(fmt.Errorf("create the schema %s and its version table: %w", Name, err))
	}
	// Read again under the migration lock: another run may have migrated.
	v, err := current(ctx, tx.Conn(), c.Name)
	if err != nil {
		return err
	}
	if v > c.Version() {
		return newerError(c, v)
	}
	for i := v; i < c.Version(); i++ {
		if _, err := tx.Exec(ctx, c.Steps[i]); err != nil {
			return privilegeHint(fmt.Errorf("upgrade the %s tables from version %d to %d: %w", c.Name, i, i+1, err))
		}
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO vpsfleet.schema_version (component, version) VALUES ($1, $2)
		ON CONFLICT (component) DO UPDATE SET version = EXCLUDED.version, updated_at = now()`,
		c.Name, c.Version()); err != nil {
		return fmt.Errorf("record version %d of the %s tables: %w", c.Version(), c.Name, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("create the %s tables: commit: %w", c.Name, err)
	}
	return nil
}

func newerError(c Component, v int) error {
	return fmt.Errorf("the %s tables in schema %s are at version %d, newer than this vpsfleet knows (%d): upgrade vpsfleet, or use another database",
		c.Name, Name, v, c.Version())
}

// privilegeHint adds what to do to a permission error (42501).
func privilegeHint(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42501" {
		return fmt.Errorf("%w; vpsfleet creates its tables on first use: let its role create them once "+
			"(GRANT CREATE ON DATABASE ... TO ...), or have an owner run vpsfleet once", err)
	}
	return err
}
