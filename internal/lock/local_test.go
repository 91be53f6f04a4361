package lock

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// openLocal opens a local locker for t as user of this host and process.
func openLocal(t *testing.T, dir, scope string, user string) *Local {
	t.Helper()
	p := who(user, os.Getpid())
	p.Host, _ = os.Hostname()
	l, err := OpenLocal(Options{Scope: scope, LocalDir: dir, Process: p})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func TestLocalLockSerialisesAScope(t *testing.T) {
	dir := t.TempDir()
	a := openLocal(t, dir, "https://admin.vps.org", "alice")
	b := openLocal(t, dir, "https://admin.vps.org", "bob")
	other := openLocal(t, dir, "https://other.example", "carol")
	ctx := context.Background()

	if err := a.Lock(ctx, []string{"web-02", "web-01"}, Wait{}); err != nil {
		t.Fatal(err)
	}
	if got := a.Held(); !slices.Equal(got, []string{"web-01", "web-02"}) {
		t.Errorf("Held = %q", got)
	}
	// Whole scope: disjoint names wait too.
	h := heldError(t, b.Lock(ctx, []string{"db-01", "db-01"}, Wait{}))
	if !h.WholeScope || h.Waited != 0 || len(h.Held) != 1 || h.Held[0].Name != "db-01" || h.Held[0].Holder == nil || h.Held[0].Holder.User != "alice" {
		t.Errorf("HeldError = %+v, want db-01 held by alice's scope lock", h)
	}
	if !strings.Contains(h.Error(), `the local lock of scope "https://admin.vps.org" is held by another run on this machine: alice@`) ||
		!strings.Contains(h.Error(), "wait for it with -lock-timeout") {
		t.Errorf("error = %q", h.Error())
	}
	if err := other.Lock(ctx, []string{"web-01"}, Wait{}); err != nil {
		t.Errorf("another scope: %v", err)
	}
	// Further names are free once the scope is held.
	if err := a.TryLock(ctx, []string{"web-03"}); err != nil {
		t.Errorf("TryLock with the scope held: %v", err)
	}

	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Lock(ctx, []string{"db-01"}, Wait{}); err != nil {
		t.Errorf("after the holder closed: %v", err)
	}
	if !errors.Is(context.Cause(a.Context()), ErrClosed) {
		t.Errorf("cause = %v", context.Cause(a.Context()))
	}
	if err := a.Lock(ctx, []string{"x"}, Wait{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Lock after Close = %v", err)
	}
	if b.Context().Err() != nil {
		t.Error("a held local lock's Context ended")
	}
}

func TestLocalHolderFile(t *testing.T) {
	dir := t.TempDir()
	a := openLocal(t, dir, "s", "alice")
	if err := a.Lock(context.Background(), []string{"web-01"}, Wait{}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.holder.json"))
	if len(files) != 1 {
		t.Fatalf("holder files = %q", files)
	}
	info, err := os.Stat(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("holder file mode = %v, want 0600", info.Mode().Perm())
	}
	var h localHolder
	data, _ := os.ReadFile(files[0])
	if err := json.Unmarshal(data, &h); err != nil || h.Scope != "s" || h.Holder.User != "alice" || h.Holder.Since.IsZero() {
		t.Errorf("holder file = %s (%v)", data, err)
	}
	a.Close()
	if _, err := os.Stat(files[0]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("holder file left after Close: %v", err)
	}
}

func TestLocalWaitTimesOutAndReports(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		a := openLocal(t, dir, "s", "alice")
		b := openLocal(t, dir, "s", "bob")
		ctx := context.Background()
		if err := a.Lock(ctx, []string{"web-01"}, Wait{}); err != nil {
			t.Fatal(err)
		}
		var reports []time.Duration
		err := b.Lock(ctx, []string{"web-01"}, Wait{Timeout: time.Hour, Interval: 10 * time.Minute, Report: func(c Contention) {
			reports = append(reports, c.Waited)
		}})
		h := heldError(t, err)
		if h.Waited != time.Hour {
			t.Errorf("waited %s, want exactly the hour (fake clock)", h.Waited)
		}
		want := []time.Duration{0, 10 * time.Minute, 20 * time.Minute, 30 * time.Minute, 40 * time.Minute, 50 * time.Minute}
		if !slices.Equal(reports, want) {
			t.Errorf("reports at %v, want %v", reports, want)
		}
	})
}

func TestLocalWaitTakesWhenReleased(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		a := openLocal(t, dir, "s", "alice")
		b := openLocal(t, dir, "s", "bob")
		ctx := context.Background()
		if err := a.Lock(ctx, []string{"web-01"}, Wait{}); err != nil {
			t.Fatal(err)
		}
		go func() {
			time.Sleep(3 * time.Minute)
			a.Close()
		}()
		start := time.Now()
		if err := b.Lock(ctx, []string{"web-01"}, Wait{Timeout: time.Hour}); err != nil {
			t.Fatalf("Lock: %v", err)
		}
		if waited := time.Since(start); waited < 3*time.Minute || waited > 3*time.Minute+localPoll {
			t.Errorf("took the lock after %s, want within one poll of the release at 3m", waited)
		}
	})
}

func TestLocalWaitCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		a := openLocal(t, dir, "s", "alice")
		b := openLocal(t, dir, "s", "bob")
		if err := a.Lock(context.Background(), []string{"web-01"}, Wait{}); err != nil {
			t.Fatal(err)
		}
		stopped := errors.New("interrupted")
		ctx, cancel := context.WithCancelCause(context.Background())
		time.AfterFunc(time.Minute, func() { cancel(stopped) })
		if err := b.Lock(ctx, []string{"web-01"}, Wait{Timeout: time.Hour}); !errors.Is(err, stopped) {
			t.Errorf("Lock = %v, want the context's cause", err)
		}
	})
}

// TestLocalHolderKilled kills a process holding the local lock: the
// operating system frees it, and its holder file is not shown.
func TestLocalHolderKilled(t *testing.T) {
	dir := t.TempDir()
	a := openLocal(t, dir, "s", "alice")
	cmd := exec.Command("sleep", "600")
	if err := cmd.Start(); err != nil {
		t.Skipf("no sleep command to play a holder: %v", err)
	}
	if err := a.Lock(context.Background(), []string{"web-01"}, Wait{}); err != nil {
		t.Fatal(err)
	}
	// Pretend the holder file came from the child, then kill it while
	// the lock is (still) held: the holder is a dead process, not shown.
	rewriteHolderPID(t, a, cmd.Process.Pid)
	b := openLocal(t, dir, "s", "bob")
	h := heldError(t, b.TryLock(context.Background(), []string{"web-01"}))
	if h.Held[0].Holder == nil || h.Held[0].Holder.PID != cmd.Process.Pid {
		t.Fatalf("while the holder lives: %+v", h.Held[0].Holder)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	h = heldError(t, b.TryLock(context.Background(), []string{"web-01"}))
	if h.Held[0].Holder != nil {
		t.Errorf("shown the holder file of a dead process: %+v", h.Held[0].Holder)
	}
}

// TestLocalReleasedByProcessExit: a child process takes the lock through
// this package and is killed; the next run takes it at once.
func TestLocalReleasedByProcessExit(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildLocalHolder$")
	cmd.Env = append(os.Environ(), "VPSFLEET_LOCK_CHILD=local", "VPSFLEET_LOCK_CHILD_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	buf := make([]byte, 7)
	if _, err := out.Read(buf); err != nil || string(buf) != "locked\n" {
		t.Fatalf("child said %q (%v)", buf, err)
	}
	b := openLocal(t, dir, "s", "bob")
	h := heldError(t, b.TryLock(context.Background(), []string{"web-01"}))
	if h.Held[0].Holder == nil || h.Held[0].Holder.User != "child" {
		t.Errorf("holder = %+v, want the child", h.Held[0].Holder)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if err := b.TryLock(context.Background(), []string{"web-01"}); err != nil {
		t.Errorf("after the holder was killed: %v", err)
	}
}

func TestChildLocalHolder(t *testing.T) {
	if os.Getenv("VPSFLEET_LOCK_CHILD") != "local" {
		t.Skip("runs only as the child of TestLocalReleasedByProcessExit")
	}
	l, err := OpenLocal(Options{Scope: "s", LocalDir: os.Getenv("VPSFLEET_LOCK_CHILD_DIR"), Process: who("child", os.Getpid())})
	if err == nil {
		err = l.Lock(context.Background(), []string{"web-01"}, Wait{})
	}
	if err != nil {
		os.Stdout.WriteString("error: " + err.Error() + "\n")
		return
	}
	os.Stdout.WriteString("locked\n")
	time.Sleep(10 * time.Minute)
}

func rewriteHolderPID(t *testing.T, l *Local, pid int) {
	t.Helper()
	data, err := os.ReadFile(l.holderPath)
	if err != nil {
		t.Fatal(err)
	}
	var h localHolder
	if err := json.Unmarshal(data, &h); err != nil {
		t.Fatal(err)
	}
	h.Holder.PID = pid
	data, _ = json.Marshal(h)
	if err := os.WriteFile(l.holderPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestOpenChoosesTheBackend(t *testing.T) {
	l, err := Open(context.Background(), Options{Scope: "s", LocalDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, ok := l.(*Local); !ok {
		t.Errorf("Open without a URL = %T, want *Local", l)
	}
	if _, err := Open(context.Background(), Options{}); err == nil || !strings.Contains(err.Error(), "no scope") {
		t.Errorf("Open without a scope = %v", err)
	}
}

func TestOpenLocalDefaultFolder(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache)
	l, err := OpenLocal(Options{Scope: "https://admin.vps.org"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Lock(context.Background(), []string{"web-01"}, Wait{}); err != nil {
		t.Fatal(err)
	}
	matches, _ := filepath.Glob(filepath.Join(cache, "vpsfleet", "locks", "*.lock"))
	if len(matches) != 1 || len(filepath.Base(matches[0])) != 32+len(".lock") {
		t.Errorf("lock files = %q, want one <32 hex>.lock under the cache folder", matches)
	}
}
