package journal

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/vpsfleet/vpsfleet/internal/pgschema"
	"github.com/vpsfleet/vpsfleet/internal/runinfo"
)

// DB gives the journal the exclusive use of a PostgreSQL session for the
// length of fn. *lock.Postgres implements it on the run's lock session;
// Conn adapts a plain *pgx.Conn.
type DB interface {
	WithConn(ctx context.Context, fn func(conn *pgx.Conn) error) error
}

// Conn is the DB of a connection nothing else uses meanwhile.
func Conn(c *pgx.Conn) DB { return plainConn{c} }

type plainConn struct{ c *pgx.Conn }

func (p plainConn) WithConn(_ context.Context, fn func(*pgx.Conn) error) error { return fn(p.c) }

// Journal reads and writes the run journal. Its methods are safe for
// concurrent use when its DB is (a *lock.Postgres is).
type Journal struct {
	db      DB
	secrets []string
}

// Options configures Open.
type Options struct {
	// Secrets are replaced by [redacted] in every text the journal
	// writes (the command line, error texts): the API token, for one.
	// Text should come without secrets already; this is a second guard.
	Secrets []string
}

// Open returns the journal of db's database, creating or upgrading its
// tables on first use. It fails when they cannot be read or created, or
// were made by a newer vpsfleet; the error says which.
func Open(ctx context.Context, db DB, o Options) (*Journal, error) {
	err := db.WithConn(ctx, func(conn *pgx.Conn) error { return pgschema.Ensure(ctx, conn, schema) })
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	var secrets []string
	for _, s := range o.Secrets {
		if s != "" {
			secrets = append(secrets, s)
		}
	}
	return &Journal{db: db, secrets: secrets}, nil
}

// maxText bounds each error text and command line written, in bytes.
const maxText = 4096

// clean is s with every secret replaced and cut to maxText bytes.
func (j *Journal) clean(s string) string {
	for _, secret := range j.secrets {
		s = strings.ReplaceAll(s, secret, runinfo.Redacted)
	}
	if len(s) > maxText {
		cut := maxText - len("...")
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}
