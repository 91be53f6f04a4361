package lock

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/vpsfleet/vpsfleet/internal/atomicfile"
	"github.com/vpsfleet/vpsfleet/internal/runinfo"
)

// localPoll is how often a waiting Local tries its file lock again.
const localPoll = 100 * time.Millisecond

// Local is the Locker without a lock database: an exclusive file lock
// (flock) per scope, so runs on one machine take turns. It guards the
// whole scope: while one run holds it, every other run of that scope on
// this machine waits or fails, whatever names it wants.
//
// The lock file is DIR/<h>.lock, where h is the first 16 bytes of
// SHA-256(scope) in hex, and the holder file DIR/<h>.holder.json says
// who holds it (written after the lock is taken, removed before it is
// released). The operating system releases the lock when its holder
// exits, however it exits; a holder file left by a crashed run is never
// shown, since it is only read while the lock is held and its process is
// alive.
type Local struct {
	scope      string
	process    runinfo.Process
	lockPath   string
	holderPath string

	alive context.Context
	end   context.CancelCauseFunc

	mu     sync.Mutex
	file   *flock.Flock
	locked bool
	closed bool
	names  map[string]bool
}

// localHolder is the holder file's content.
type localHolder struct {
	Scope  string `json:"scope"`
	Holder Holder `json:"holder"`
}

// OpenLocal returns the local locker of o.Scope in o.LocalDir (default:
// os.UserCacheDir()/vpsfleet/locks, created with mode 0700). It takes no
// lock. It fails when there is no cache folder or it cannot be created.
func OpenLocal(o Options) (*Local, error) {
	if err := requireScope(o.Scope); err != nil {
		return nil, err
	}
	dir := o.LocalDir
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("lock: no folder for local locks (%v): set $XDG_CACHE_HOME or $HOME, or use a lock database with -lock-url", err)
		}
		dir = filepath.Join(cache, "vpsfleet", "locks")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("lock: create the local lock folder: %w", err)
	}
	sum := sha256.Sum256([]byte(o.Scope))
	base := filepath.Join(dir, hex.EncodeToString(sum[:16]))
	l := &Local{
		scope:      o.Scope,
		process:    o.Process,
		lockPath:   base + ".lock",
		holderPath: base + ".holder.json",
		file:       flock.New(base+".lock", flock.SetPermissions(0o600)),
		names:      map[string]bool{},
	}
	l.alive, l.end = context.WithCancelCause(context.Background())
	return l, nil
}

// Lock implements Locker. The first call that names anything takes the
// scope's file lock, waiting as wait says; later calls only add names.
func (l *Local) Lock(ctx context.Context, names []string, wait Wait) error {
	return l.lock(ctx, names, wait)
}

// TryLock implements Locker.
func (l *Local) TryLock(ctx context.Context, names []string) error {
	return l.lock(ctx, names, Wait{})
}

func (l *Local) lock(ctx context.Context, names []string, wait Wait) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return fmt.Errorf("%w: %s was closed", ErrClosed, l)
	}
	if len(names) == 0 {
		return nil
	}
	if !l.locked {
		if err := l.take(ctx, names, wait); err != nil {
			return err
		}
	}
	for _, n := range names {
		l.names[n] = true
	}
	return nil
}

// take takes the scope's file lock and writes the holder file. While it
// waits it reads the holder file only to report and to fail.
func (l *Local) take(ctx context.Context, names []string, wait Wait) error {
	start := time.Now()
	var reported *Contention
	var lastReport time.Time
	for {
		ok, err := l.file.TryLock()
		if err != nil {
			return fmt.Errorf("lock: take the local lock %s: %w", l.lockPath, err)
		}
		if ok {
			break
		}
		waited := time.Since(start)
		if wait.Timeout <= 0 || waited >= wait.Timeout {
			c := l.contention(names)
			if wait.Timeout > 0 {
				c.Waited = waited // a run that may not wait has waited for nothing
			}
			return &HeldError{Contention: c}
		}
		if wait.Report != nil && (reported == nil || time.Since(lastReport) >= wait.interval()) {
			c := l.contention(names)
			c.Waited = waited
			wait.Report(c)
			reported, lastReport = &c, time.Now()
		}
		t := time.NewTimer(min(localPoll, wait.Timeout-waited))
		select {
		case <-ctx.Done():
			t.Stop()
			return context.Cause(ctx)
		case <-t.C:
		}
	}
	h := localHolder{Scope: l.scope, Holder: Holder{Process: l.process, Since: time.Now().UTC()}}
	data, err := json.MarshalIndent(h, "", "  ")
	if err == nil {
		err = atomicfile.WriteFile(l.holderPath, append(data, '\n'), 0o600)
	}
	if err != nil {
		_ = l.file.Unlock()
		return fmt.Errorf("lock: record the holder of the local lock in %s: %w", l.holderPath, err)
	}
	l.locked = true
	return nil
}

// contention is every name asked for, held by the holder file's run (or
// an unknown one when the file is missing, unreadable, or left by a
// process that is gone).
func (l *Local) contention(names []string) Contention {
	var holder *Holder
	if data, err := os.ReadFile(l.holderPath); err == nil {
		var h localHolder
		if json.Unmarshal(data, &h) == nil && h.Scope == l.scope && processAlive(h.Holder.Host, h.Holder.PID) {
			holder = &h.Holder
		}
	}
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	c := Contention{Scope: l.scope, WholeScope: true}
	for _, n := range sorted {
		c.Held = append(c.Held, Held{Name: n, Holder: holder})
	}
	return c
}

// processAlive reports whether the process pid of host may still run:
// false only when host is this machine and no process pid exists.
func processAlive(host string, pid int) bool {
	if pid <= 0 {
		return false
	}
	if me, err := os.Hostname(); err != nil || me != host {
		return true
	}
	proc, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = signalZero(proc)
	return err == nil || errors.Is(err, fs.ErrPermission)
}

// Held implements Locker.
func (l *Local) Held() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	names := make([]string, 0, len(l.names))
	for n := range l.names {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Context implements Locker: a file lock is not lost while its holder
// lives, so it ends only with Close.
func (l *Local) Context() context.Context { return l.alive }

// Close implements Locker: it removes the holder file and releases the
// file lock.
func (l *Local) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	var err error
	if l.locked {
		if rmErr := os.Remove(l.holderPath); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
			err = rmErr
		}
		err = errors.Join(err, l.file.Unlock())
		l.locked = false
	}
	l.names = map[string]bool{}
	l.end(fmt.Errorf("%w: %s was closed", ErrClosed, l))
	if err != nil {
		return fmt.Errorf("lock: release the local lock %s: %w", l.lockPath, err)
	}
	return nil
}

// String is "local lock FILE, scope S".
func (l *Local) String() string {
	return fmt.Sprintf("local lock %s, scope %q", l.lockPath, l.scope)
}
