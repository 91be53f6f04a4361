package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/internal/journal"
	"github.com/vpsfleet/vpsfleet/internal/lock"
	"github.com/vpsfleet/vpsfleet/internal/runinfo"
)

// envLockURL holds the lock database URL when -lock-url is not given.
const envLockURL = "VPSFLEET_LOCK_URL"

// lockFlags are the flags of every command that changes the account: how
// its run keeps apart from other runs on the same servers.
type lockFlags struct {
	url     string        // -lock-url, default $VPSFLEET_LOCK_URL
	timeout time.Duration // -lock-timeout: 0 fails at once
	enabled bool          // -lock; false takes no lock
	scope   string        // -lock-scope, default the endpoint URL
}

// register adds -lock-url, -lock-timeout, -lock and -lock-scope to fs.
func (l *lockFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&l.url, "lock-url", "", "PostgreSQL `URL` of the team lock and the run journal (default $"+envLockURL+", which no process listing shows); without one, a file lock keeps the runs of this machine apart")
	fs.DurationVar(&l.timeout, "lock-timeout", 0, "how long to wait for servers another run has locked (0: fail at once, naming the holder)")
	fs.BoolVar(&l.enabled, "lock", true, "lock the servers this run touches; -lock=false takes no lock and records no run: another run may then change the same servers at the same time")
	fs.StringVar(&l.scope, "lock-scope", "", "`name` the locks are taken in (default: the endpoint URL without credentials); give one name when several endpoints or tokens reach one account")
}

// invalid returns the first lock flag value that cannot work, or nil.
func (l *lockFlags) invalid() error {
	if l.timeout < 0 {
		return fmt.Errorf("-lock-timeout %s: give 0 (fail at once) or a positive duration such as 10m", l.timeout)
	}
	return nil
}

// lockURL is -lock-url, else $VPSFLEET_LOCK_URL.
func (c *cli) lockURL(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	return c.getenv(envLockURL)
}

// apiToken is the token a command sends (-token, else $VPSORG_TOKEN),
// only so that the run journal can keep it out of what it writes.
func (c *cli) apiToken(f accountFlags) string {
	if f.token != "" {
		return f.token
	}
	return c.getenv("VPSORG_TOKEN")
}

// lockScope is the default lock scope of an account: its endpoint URL
// without user info, query or fragment. Nothing comes from the token.
func lockScope(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme == "" || u.Opaque != "" {
		return endpoint // "sandbox:/abs/path", or text that is no URL
	}
	u.User, u.RawQuery, u.Fragment, u.RawFragment = nil, "", "", ""
	return u.String()
}

// teamRun is one command's place among the runs on its account: the locks
// it holds and, with a lock database, its entry in the run journal. With
// -lock=false it holds nothing and every method does nothing.
type teamRun struct {
	c         *cli
	flags     lockFlags
	operation string // "apply", "destroy", "server delete", ...
	scope     string
	process   runinfo.Process
	opened    time.Time // when the command reached the lock

	locker  lock.Locker      // nil with -lock=false
	journal *journal.Journal // nil without a lock database

	// tag makes the temporary names of create_before_destroy
	// replacements, which are locked before the executor uses them.
	tag string

	// What the journal records of the run.
	fleetHash string
	plan      map[string]int
	servers   []journal.Server
	runID     int64 // set by start
	ended     bool
}

// openTeamRun opens the lock of a command that changes the account at
// endpoint: the PostgreSQL lock and run journal of -lock-url (or
// $VPSFLEET_LOCK_URL), else the local file lock of the scope. It takes
// no lock yet. secrets are kept out of the journal (the API token). It
// fails, having changed nothing, when the lock database cannot be reached
// or its tables cannot be made; the error says so.
func (c *cli) openTeamRun(ctx context.Context, lf lockFlags, endpoint, operation string, secrets ...string) (*teamRun, error) {
	r := &teamRun{c: c, flags: lf, operation: operation, opened: time.Now(), tag: newTempTag()}
	dbURL := c.lockURL(lf.url)
	if !lf.enabled {
		warning := "Warning: -lock=false: this run takes no lock, so another vpsfleet run may change the same servers at the same time (two runs creating one server make two)."
		if dbURL != "" {
			warning += " It is not recorded in the run journal either."
		}
		fmt.Fprintln(c.stderr, warning)
		return r, nil
	}
	r.scope = lf.scope
	if r.scope == "" {
		r.scope = lockScope(endpoint)
	}
	r.process = runinfo.Current(os.Args)
	locker, err := lock.Open(ctx, lock.Options{URL: dbURL, Scope: r.scope, Process: r.process})
	if err != nil {
		return nil, fmt.Errorf("%v\nTo run without any lock (only when no other run can touch these servers), pass -lock=false", err)
	}
	r.locker = locker
	if pg, ok := locker.(*lock.Postgres); ok {
		j, err := journal.Open(ctx, pg, journal.Options{Secrets: secrets})
		if err != nil {
			locker.Close()
			return nil, fmt.Errorf("%v; nothing was changed", err)
		}
		r.journal = j
	}
	return r, nil
}

// lock takes names, waiting up to -lock-timeout for names other runs
// hold and saying on stderr who holds them meanwhile.
func (r *teamRun) lock(ctx context.Context, names []string) error {
	if r.locker == nil {
		return nil
	}
	return r.locker.Lock(ctx, names, lock.Wait{
		Timeout: r.flags.timeout,
		Report: func(c lock.Contention) {
			fmt.Fprintf(r.c.stderr, "Waiting up to %s (-lock-timeout) for locks: %s\n", r.flags.timeout, c.String())
		},
	})
}

// lockMore takes names a new plan adds, at once or not at all: waiting
// now, holding other names, could deadlock.
func (r *teamRun) lockMore(ctx context.Context, names []string) error {
	if r.locker == nil {
		return nil
	}
	return r.locker.TryLock(ctx, names)
}

// lockError words a failed lock for people; nothing was changed.
func lockError(err error, ctx context.Context) string {
	switch {
	case lock.IsHeld(err):
		return err.Error()
	case ctx.Err() != nil && errors.Is(err, context.Cause(ctx)):
		return fmt.Sprintf("interrupted while waiting for the locks (%v); nothing was changed", err)
	case errors.Is(err, lock.ErrLost):
		return fmt.Sprintf("%v; nothing was changed", err)
	}
	return fmt.Sprintf("taking the locks: %v; nothing was changed", err)
}

// guard returns a context that ends with parent, or when the locks are
// lost: the executor's Interrupt, so that a run whose locks are gone
// starts nothing new. It says so on stderr the moment it happens.
func (r *teamRun) guard(parent context.Context) (context.Context, func()) {
	if r.locker == nil {
		return parent, func() {}
	}
	ctx, stop := lock.Guard(parent, r.locker)
	held := r.locker.Context()
	unwatch := context.AfterFunc(held, func() {
		if cause := context.Cause(held); errors.Is(cause, lock.ErrLost) {
			fmt.Fprintf(r.c.stderr, "\nThe locks were lost: %v.\nStarting nothing new, letting requests in flight finish.\n", cause)
		}
	})
	return ctx, func() { unwatch(); stop() }
}

// lost is why guard's context ended when the locks were lost, else nil.
func lost(ctx context.Context) error {
	if cause := context.Cause(ctx); errors.Is(cause, lock.ErrLost) {
		return cause
	}
	return nil
}

// tempName is the executor's temporary name of a create_before_destroy
// replacement of name: the one locked for it (see lockNames).
func (r *teamRun) tempName(name string) string { return engine.TempName(name, r.tag) }

// close releases the locks, saying on stderr what could not be cleaned
// up (the locks are released either way).
func (r *teamRun) close() {
	if r.locker == nil {
		return
	}
	if err := r.locker.Close(); err != nil {
		fmt.Fprintf(r.c.stderr, "Warning: %v\n", err)
	}
}
