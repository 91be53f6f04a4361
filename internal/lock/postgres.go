package lock

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"

	"github.com/vpsfleet/vpsfleet/internal/pgschema"
	"github.com/vpsfleet/vpsfleet/internal/runinfo"
)

// DefaultHeartbeat is how often a Postgres locker checks its connection
// when Options.Heartbeat is zero: a broken session is noticed within
// about this time (or heartbeatTimeout, when the server stops answering).
const DefaultHeartbeat = 2 * time.Second

const (
	// heartbeatTimeout is how long one check may take before the
	// connection counts as lost.
	heartbeatTimeout = 15 * time.Second
	// connectTimeout bounds connecting when the URL sets no
	// connect_timeout.
	connectTimeout = 15 * time.Second
	// cleanupTimeout bounds the statements that undo or release locks,
	// which run even after the caller's context ended.
	cleanupTimeout = 15 * time.Second
	// statementGrace is added to a wait's lock_timeout for the statement's
	// own deadline, past which the connection counts as hung.
	statementGrace = 30 * time.Second
)

// Postgres is the PostgreSQL Locker: advisory locks on one dedicated
// connection (see the package documentation). It also lends that
// connection to the run journal (WithConn), so a run uses one session.
type Postgres struct {
	scope     string
	process   runinfo.Process
	addr      string // host:port/database, for messages
	password  string // removed from every error text
	heartbeat time.Duration
	keyOf     func(scope, name string) int64 // Key; tests force collisions

	alive context.Context // ends when the locks are lost or released
	end   context.CancelCauseFunc
	stop  chan struct{} // closed by Close: the heartbeat ends
	beat  sync.WaitGroup

	mu       sync.Mutex // guards everything below and serialises conn
	conn     *pgx.Conn
	closed   bool
	holderID int64              // 0 until the first lock is taken
	held     map[int64][]string // key → names held
}

// OpenPostgres connects to the lock database o.URL on one dedicated
// connection, creates the lock tables on first use (pgschema), and
// starts checking the connection every o.Heartbeat. It takes no lock.
//
// It fails, having changed nothing, when the URL cannot be parsed, the
// server cannot be reached or refuses the login, or the tables cannot be
// created; the error names host:port and the database, never the
// password.
func OpenPostgres(ctx context.Context, o Options) (*Postgres, error) {
	if err := requireScope(o.Scope); err != nil {
		return nil, err
	}
	if o.URL == "" {
		return nil, errors.New("lock: no lock database URL given (-lock-url or VPSFLEET_LOCK_URL)")
	}
	cfg, err := pgx.ParseConfig(o.URL)
	if err != nil {
		// pgx's message may quote parts of the URL: say what is wrong
		// without it.
		return nil, errors.New("lock: the lock database URL cannot be parsed; write it as " +
			"postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=... (special characters in the password percent-encoded) " +
			"or as a key=value connection string")
	}
	p := &Postgres{
		scope:     o.Scope,
		process:   o.Process,
		addr:      address(cfg),
		password:  cfg.Password,
		heartbeat: o.Heartbeat,
		keyOf:     Key,
		stop:      make(chan struct{}),
		held:      map[int64][]string{},
	}
	if p.heartbeat <= 0 {
		p.heartbeat = DefaultHeartbeat
	}
	configure(cfg)

	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, p.connectError(ctx, err)
	}
	if err := pgschema.Ensure(ctx, conn, schema); err != nil {
		conn.Close(context.Background())
		return nil, p.redact(fmt.Errorf("lock: the lock database at %s: %w", p.addr, err))
	}
	p.conn = conn
	p.alive, p.end = context.WithCancelCause(context.Background())
	p.beat.Add(1)
	go p.heartbeatLoop()
	return p, nil
}

// configure sets what a lock session needs on cfg: a name in
// pg_stat_activity, server-side keepalives so that the server notices a
// vanished client and frees its locks, a connect timeout, and cancel
// requests (not a closed connection) when a context ends mid-statement.
func configure(cfg *pgx.ConnConfig) {
	defaults := map[string]string{
		"application_name":        "vpsfleet",
		"tcp_keepalives_idle":     "30",
		"tcp_keepalives_interval": "10",
		"tcp_keepalives_count":    "3",
	}
	for k, v := range defaults {
		if _, set := cfg.RuntimeParams[k]; !set {
			cfg.RuntimeParams[k] = v
		}
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = connectTimeout
	}
	cfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: 5 * time.Second}
	}
}

// address is "host:port/database" of cfg's first host.
func address(cfg *pgx.ConnConfig) string {
	host := cfg.Host
	if strings.Contains(host, ":") && !strings.HasPrefix(host, "/") {
		host = "[" + host + "]"
	}
	s := host + ":" + strconv.Itoa(int(cfg.Port))
	if cfg.Database != "" {
		s += "/" + cfg.Database
	}
	return s
}

// connectError says why connecting failed, naming the server and what
// to check, never quoting the URL.
func (p *Postgres) connectError(ctx context.Context, err error) error {
	var cause string
	var pgErr *pgconn.PgError
	var opErr *net.OpError
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &pgErr):
		cause = "the server said: " + pgErr.Message
	case errors.As(err, &dnsErr):
		cause = "the host name does not resolve (" + dnsErr.Err + ")"
	case errors.As(err, &opErr):
		cause = opErr.Err.Error()
	case ctx.Err() != nil:
		cause = context.Cause(ctx).Error()
	case errors.Is(err, context.DeadlineExceeded):
		cause = "no answer within the connect timeout"
	default:
		cause = err.Error()
		if errors.Unwrap(err) != nil {
			cause = innermost(err).Error()
		}
	}
	return p.redact(&connectError{
		msg: fmt.Sprintf("lock: cannot connect to the lock database at %s: %s; check -lock-url (or VPSFLEET_LOCK_URL) "+
			"and that the server is up and accepts this user; nothing was changed", p.addr, cause),
		err: err,
	})
}

type connectError struct {
	msg string
	err error
}

func (e *connectError) Error() string { return e.msg }
func (e *connectError) Unwrap() error { return e.err }

func innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// redactedError is an error whose text had the password taken out. It
// unwraps to the original for errors.Is and errors.As.
type redactedError struct {
	text string
	err  error
}

func (e *redactedError) Error() string { return e.text }
func (e *redactedError) Unwrap() error { return e.err }

// redact takes the password out of err's text.
func (p *Postgres) redact(err error) error {
	if err == nil || p.password == "" {
		return err
	}
	text := err.Error()
	if !strings.Contains(text, p.password) {
		return err
	}
	return &redactedError{text: strings.ReplaceAll(text, p.password, runinfo.Redacted), err: err}
}

// String is "PostgreSQL lock at host:port/database, scope S".
func (p *Postgres) String() string {
	return fmt.Sprintf("PostgreSQL lock at %s, scope %q", p.addr, p.scope)
}

// GoString is String, so %#v shows no password either.
func (p *Postgres) GoString() string { return p.String() }

// Scope is the scope locks are taken in.
func (p *Postgres) Scope() string { return p.scope }

// Context implements Locker.
func (p *Postgres) Context() context.Context { return p.alive }

// Held implements Locker.
func (p *Postgres) Held() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var names []string
	for _, ns := range p.held {
		names = append(names, ns...)
	}
	slices.Sort(names)
	return names
}

// WithConn runs fn with the locker's connection, which nothing else uses
// meanwhile (the heartbeat waits). fn must not keep conn, close it, or
// take or release advisory locks on it. WithConn fails with the locker's
// state (ErrClosed, or the ErrLost cause) instead of calling fn when the
// connection is gone, and marks the locks lost when fn leaves the
// connection broken. Errors are returned with the password taken out.
func (p *Postgres) WithConn(ctx context.Context, fn func(conn *pgx.Conn) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.usable(); err != nil {
		return err
	}
	err := fn(p.conn)
	if err != nil {
		p.checkLost(err)
	}
	return p.redact(err)
}

// usable is nil when the connection may be used: not closed, not lost.
func (p *Postgres) usable() error {
	if p.closed {
		return fmt.Errorf("%w: %s was closed", ErrClosed, p)
	}
	if cause := context.Cause(p.alive); cause != nil {
		return cause
	}
	return nil
}

// checkLost marks the locks lost when err left the connection closed.
func (p *Postgres) checkLost(err error) {
	if p.conn.IsClosed() {
		p.lose(err)
	}
}

// lose records that the locks are lost because of err, closes what is
// left of the connection (so that the server frees whatever it still
// holds), and ends Context with the cause.
func (p *Postgres) lose(err error) {
	if context.Cause(p.alive) != nil {
		return
	}
	cause := fmt.Errorf("%w: the connection to the lock database at %s ended (%s); another run may take these names now, so no new work may start",
		ErrLost, p.addr, p.redact(err))
	p.end(cause)
	p.held = map[int64][]string{}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = p.conn.Close(ctx)
}

// heartbeatLoop checks the connection every p.heartbeat until Close. A
// beat is skipped while the connection is in use: that use checks it.
func (p *Postgres) heartbeatLoop() {
	defer p.beat.Done()
	t := time.NewTicker(p.heartbeat)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
		}
		if !p.mu.TryLock() {
			continue
		}
		if p.usable() == nil {
			ctx, cancel := context.WithTimeout(context.Background(), heartbeatTimeout)
			if err := p.conn.Ping(ctx); err != nil {
				if !p.conn.IsClosed() {
					err = fmt.Errorf("no answer to a check within %s: %w", heartbeatTimeout, err)
				}
				p.lose(err)
			}
			cancel()
		}
		done := p.usable() != nil
		p.mu.Unlock()
		if done {
			return
		}
	}
}

// Close implements Locker: it deletes this run's holder rows, releases
// every advisory lock, and closes the connection (which would release
// them too, once the server notices).
func (p *Postgres) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	close(p.stop)
	var err error
	if context.Cause(p.alive) == nil {
		err = p.release()
		cctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		err = errors.Join(err, p.conn.Close(cctx))
		cancel()
	}
	p.held = map[int64][]string{}
	p.end(fmt.Errorf("%w: %s was closed", ErrClosed, p))
	p.mu.Unlock()
	p.beat.Wait()
	if err != nil {
		return p.redact(fmt.Errorf("lock: release the locks at %s: %w (the session is closed, so the server frees them when it notices)", p.addr, err))
	}
	return nil
}

// release deletes this run's rows and releases its advisory locks.
func (p *Postgres) release() error {
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	b := &pgx.Batch{}
	if p.holderID != 0 {
		b.Queue(sqlReleaseLocks, p.holderID)
		b.Queue(sqlReleaseHolder, p.holderID)
	}
	b.Queue(sqlReleaseAdvisor)
	return p.conn.SendBatch(ctx, b).Close()
}

// newHolderID is a random positive id for this run's holder row.
func newHolderID() int64 { return rand.Int64N(1<<63-1) + 1 }
