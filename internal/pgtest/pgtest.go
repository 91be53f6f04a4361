// Package pgtest gives tests a real PostgreSQL database of their own.
//
// Tests find the server through VPSFLEET_TEST_POSTGRES_URL, a URL of a
// database whose role may create databases (`make test-pg` starts a
// private cluster and sets it). Without it a test is skipped with a
// message saying how to run it, except when CI is set: there the test
// fails, since a skipped lock test would let a broken lock pass CI.
package pgtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL is the variable holding the test server's URL.
const EnvURL = "VPSFLEET_TEST_POSTGRES_URL"

// URL is the test server's URL from EnvURL. When it is unset, URL skips
// tb with a message naming `make test-pg`, or fails tb when the
// environment variable CI is set (to anything but "" or "false").
func URL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(EnvURL)
	if u != "" {
		return u
	}
	msg := EnvURL + " is not set: these tests need a real PostgreSQL. Run `make test-pg` (it starts a private cluster), " +
		"or set " + EnvURL + " to postgres://USER@HOST:PORT/DB of a role that may create databases."
	if ci := os.Getenv("CI"); ci != "" && ci != "false" {
		tb.Fatal("CI is set, so a missing database is a failure, not a skip: " + msg)
	}
	tb.Skip(msg)
	return ""
}

// NewDatabase creates an empty database for tb on the test server and
// returns its URL; the database is dropped (its sessions ended first)
// when tb ends. Each test can so create its schema from nothing.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	u, drop, err := createDatabase(URL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := drop(); err != nil {
			tb.Error(err)
		}
	})
	return u
}

// Shared is one database for a whole test package: created by the first
// test that asks (URL), dropped by Close, which TestMain calls after
// m.Run. Tests sharing it keep apart by the names they use.
type Shared struct {
	mu   sync.Mutex
	url  string
	drop func() error
	err  error
}

// URL is the shared database's URL, creating it on first use. It skips
// or fails tb as the package function URL does, and fails tb when the
// database could not be created.
func (s *Shared) URL(tb testing.TB) string {
	tb.Helper()
	base := URL(tb)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.url == "" && s.err == nil {
		s.url, s.drop, s.err = createDatabase(base)
	}
	if s.err != nil {
		tb.Fatal(s.err)
	}
	return s.url
}

// Close drops the shared database if it was made.
func (s *Shared) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.drop == nil {
		return nil
	}
	err := s.drop()
	s.url, s.drop = "", nil
	return err
}

// createDatabase creates a database with a fresh name on the server of
// base and returns its URL and the function that drops it.
func createDatabase(base string) (string, func() error, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", nil, fmt.Errorf("pgtest: cannot connect to %s (%s): %v", EnvURL, redactedHost(base), err)
	}
	defer admin.Close(context.Background())

	name := fmt.Sprintf("vpsfleet_test_%d_%08x", os.Getpid(), rand.Uint32())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", nil, fmt.Errorf("pgtest: cannot create database %s (the role of %s must be allowed to create databases): %v", name, EnvURL, err)
	}
	u, err := withDatabase(base, name)
	if err != nil {
		return "", nil, err
	}
	drop := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			return fmt.Errorf("pgtest: cannot connect to drop database %s: %v", name, err)
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("pgtest: cannot drop database %s: %v", name, err)
		}
		return nil
	}
	return u, drop, nil
}

// withDatabase is the URL u with its database replaced by name.
func withDatabase(u, name string) (string, error) {
	parsed, err := url.Parse(u)
	if err != nil || !strings.HasPrefix(parsed.Scheme, "postgres") {
		return "", fmt.Errorf("pgtest: %s must be a postgres:// URL (host %s)", EnvURL, redactedHost(u))
	}
	parsed.Path = "/" + name
	return parsed.String(), nil
}

// Connect opens a plain session on the database of u for tb, closed when
// tb ends: an observer or an adversary beside the code under test.
func Connect(tb testing.TB, u string) *pgx.Conn {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := pgx.Connect(ctx, u)
	if err != nil {
		tb.Fatalf("pgtest: connect to %s: %v", redactedHost(u), err)
	}
	tb.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func redactedHost(u string) string {
	if parsed, err := url.Parse(u); err == nil {
		return parsed.Host
	}
	return "(unparsable URL)"
}
