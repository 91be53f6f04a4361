package lock

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The child process of TestPostgresHolderProcessKilled: it locks the
// names of VPSFLEET_LOCK_CHILD_NAMES, says so on stdout, and waits to be
// killed.
func TestChildHolder(t *testing.T) {
	if os.Getenv("VPSFLEET_LOCK_CHILD") != "1" {
		t.Skip("runs only as the child of TestPostgresHolderProcessKilled")
	}
	l, err := OpenPostgres(context.Background(), Options{
		URL: os.Getenv("VPSFLEET_LOCK_CHILD_URL"), Scope: os.Getenv("VPSFLEET_LOCK_CHILD_SCOPE"),
		Process: who("child", os.Getpid()),
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	if err := l.Lock(context.Background(), strings.Split(os.Getenv("VPSFLEET_LOCK_CHILD_NAMES"), ","), Wait{}); err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println("locked")
	time.Sleep(10 * time.Minute) // until killed
}

// TestPostgresHolderProcessKilled kills (SIGKILL) a process that holds
// locks: the server frees them with its session, so the next run takes
// the names at once and is never shown the dead holder.
func TestPostgresHolderProcessKilled(t *testing.T) {
	scope := scopeFor(t)
	want := names("web", 10)
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildHolder$", "-test.v")
	cmd.Env = append(os.Environ(),
		"VPSFLEET_LOCK_CHILD=1",
		"VPSFLEET_LOCK_CHILD_URL="+database(t),
		"VPSFLEET_LOCK_CHILD_SCOPE="+scope,
		"VPSFLEET_LOCK_CHILD_NAMES="+strings.Join(want, ","))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(out)
	locked := false
	for lines.Scan() {
		if line := lines.Text(); line == "locked" {
			locked = true
			break
		} else if strings.HasPrefix(line, "error:") {
			t.Fatalf("child: %s", line)
		}
	}
	if !locked {
		t.Fatalf("the child ended without locking: %v", lines.Err())
	}

	b := openPG(t, scope, who("bob", 2))
	ctx := context.Background()
	h := heldError(t, b.Lock(ctx, want, Wait{}))
	if len(h.Held) != len(want) || h.Held[0].Holder == nil || h.Held[0].Holder.User != "child" || h.Held[0].Holder.PID != cmd.Process.Pid {
		t.Fatalf("while the child lives: %+v, want its %d names held by it (pid %d)", h.Held, len(want), cmd.Process.Pid)
	}

	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	// The server notices the closed socket at once, but its session ends
	// a moment later: wait for that, and check nobody is ever shown but
	// the dead child's session (which is real until it ends).
	err = b.Lock(ctx, want, Wait{Timeout: time.Minute, Interval: time.Millisecond, Report: func(c Contention) {
		for _, x := range c.Held {
			if x.Holder != nil && x.Holder.User != "child" {
				t.Errorf("shown holder %+v", x.Holder)
			}
		}
	}})
	if err != nil {
		t.Fatalf("Lock after the holder was killed: %v", err)
	}
	// The child's rows are gone once a run locks after its session ended.
	c := openPG(t, scope, who("carol", 3))
	h = heldError(t, c.TryLock(ctx, want[:1]))
	if h.Held[0].Holder == nil || h.Held[0].Holder.User != "bob" {
		t.Errorf("holder shown = %+v, want bob", h.Held[0].Holder)
	}
	obs := observer(t)
	if n := count(t, obs, `SELECT count(*) FROM vpsfleet.lock_holders WHERE user_name = 'child'`); n != 0 {
		t.Errorf("%d holder rows of the killed child remain", n)
	}
}

func TestPostgresUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now

	tests := []struct {
		name, url string
		want      []string
	}{
		{"refused", "postgres://ci:Sekr3t-pass@" + addr + "/locks?connect_timeout=5",
			[]string{"cannot connect to the lock database at " + addr + "/locks", "refused", "nothing was changed", "-lock-url"}},
		{"key value", "host=127.0.0.1 port=" + addr[strings.LastIndex(addr, ":")+1:] + " user=ci password=Sekr3t-pass dbname=locks connect_timeout=5",
			[]string{"cannot connect to the lock database at " + addr + "/locks", "refused"}},
		{"unparsable", "postgres://ci:Sekr3t-pass@127.0.0.1:notaport/locks",
			[]string{"cannot be parsed", "postgres://USER:PASSWORD@HOST:PORT/DATABASE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := OpenPostgres(context.Background(), Options{URL: tt.url, Scope: "s"})
			if err == nil {
				l.Close()
				t.Fatal("OpenPostgres succeeded against nothing")
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, "Sekr3t") || strings.Contains(fmt.Sprintf("%+v %#v", err, err), "Sekr3t") {
				t.Errorf("error shows the password: %q", msg)
			}
		})
	}
}

func TestPostgresServerRefusesDatabase(t *testing.T) {
	u := database(t)
	bad := strings.Replace(u, "postgres@", "postgres:Sekr3t-pass@", 1)
	bad = bad[:strings.LastIndex(bad, "/")] + "/no_such_database?sslmode=disable"
	_, err := OpenPostgres(context.Background(), Options{URL: bad, Scope: "s"})
	if err == nil {
		t.Fatal("OpenPostgres of a missing database succeeded")
	}
	if !strings.Contains(err.Error(), `database "no_such_database" does not exist`) || strings.Contains(err.Error(), "Sekr3t") {
		t.Errorf("error = %q, want the server's reason and no password", err)
	}

	good := strings.Replace(u, "postgres@", "postgres:Sekr3t-pass@", 1) // trust: the password is ignored
	l, err := OpenPostgres(context.Background(), Options{URL: good, Scope: "s"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, s := range []string{l.String(), fmt.Sprintf("%v %+v %#v %s", l, l, l, l)} {
		if strings.Contains(s, "Sekr3t") {
			t.Errorf("String shows the password: %q", s)
		}
	}
	if !strings.HasPrefix(l.String(), "PostgreSQL lock at 127.0.0.1:") {
		t.Errorf("String = %q", l.String())
	}
}
