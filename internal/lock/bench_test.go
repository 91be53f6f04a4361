package lock

import (
	"context"
	"testing"
)

// BenchmarkLock1000 measures what locking adds to an apply that touches
// 1,000 names (issue #10 target: under 100 ms):
//   - run: connect, check the schema, lock the 1,000 names, release and
//     disconnect: the whole added wall time;
//   - lock: Lock alone, on an open session;
//   - held: a Lock that fails at once because one of the 1,000 is held,
//     with the holder looked up.
func BenchmarkLock1000(b *testing.B) {
	url := database(b)
	scope := scopeFor(b)
	want := names("web", 1000)
	ctx := context.Background()
	open := func() *Postgres {
		l, err := OpenPostgres(ctx, Options{URL: url, Scope: scope, Process: who("bench", 1)})
		if err != nil {
			b.Fatal(err)
		}
		return l
	}

	b.Run("run", func(b *testing.B) {
		for b.Loop() {
			l := open()
			if err := l.Lock(ctx, want, Wait{}); err != nil {
				b.Fatal(err)
			}
			if err := l.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lock", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			l := open()
			b.StartTimer()
			if err := l.Lock(ctx, want, Wait{}); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if err := l.Close(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
	b.Run("held", func(b *testing.B) {
		holder := open()
		defer holder.Close()
		if err := holder.Lock(ctx, want[999:], Wait{}); err != nil {
			b.Fatal(err)
		}
		l := open()
		defer l.Close()
		for b.Loop() {
			if err := l.Lock(ctx, want, Wait{}); !IsHeld(err) {
				b.Fatalf("Lock = %v, want held", err)
			}
		}
	})
}

// BenchmarkLocalLock1000 is the same run with the local file lock.
func BenchmarkLocalLock1000(b *testing.B) {
	dir := b.TempDir()
	want := names("web", 1000)
	for b.Loop() {
		l, err := OpenLocal(Options{Scope: "bench", LocalDir: dir, Process: who("bench", 1)})
		if err != nil {
			b.Fatal(err)
		}
		if err := l.Lock(context.Background(), want, Wait{}); err != nil {
			b.Fatal(err)
		}
		if err := l.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
