package cli

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/vpsfleet/vpsfleet/api/sandbox"
	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply"
	et "github.com/vpsfleet/vpsfleet/internal/enginetest"
	"github.com/vpsfleet/vpsfleet/internal/pgtest"
)

// BenchmarkApplyLock1000 measures what the lock wiring adds to an apply
// whose plan touches 1,000 servers (1,000 updates), against a sandbox
// served over HTTP (issue #10 target for the lock: under 100 ms). The
// first plan is made once, outside the loop, as apply makes it before
// locking. Each iteration is what a locked run does besides that and the
// executor:
//   - postgres: open the lock database (connect, check the tables), lock
//     the 1,000 names, read the account and plan again under the lock,
//     write the journal's start and end of 1,000 servers, release;
//   - postgres-lock-only: the same without the re-read and re-plan (the
//     lock and journal alone);
//   - local: the file lock, with the re-read and re-plan;
//   - replan: the re-read and re-plan alone, which the lock makes every
//     locked run do once more.
func BenchmarkApplyLock1000(b *testing.B) {
	const n = 1000
	sb := et.NewSandbox(b, sandbox.Options{Empty: true})
	specs := make([]sandbox.ServerSpec, n)
	for i := range specs {
		specs[i] = et.Spec(fmt.Sprintf("web-%04d", i))
	}
	sb.Import(b, specs...)
	fleet := et.LoadFleet(b, fmt.Sprintf(`
server "web" {
  count    = %d
  name     = format("web-%%04d", count.index)
  hostname = format("web-%%04d.example.com", count.index)
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}
`, n))
	conn := &connection{client: sb.Client, endpoint: sb.URL}
	var pf planFlags
	pf.parallelism = 10
	ctx := context.Background()
	live, err := engine.ReadLive(ctx, conn.client, fleet, pf.options())
	if err != nil {
		b.Fatal(err)
	}
	first, diags := engine.BuildPlan(fleet, live, pf.options())
	if diags.HasErrors() || len(first.Changes) != n {
		b.Fatalf("the plan has %d changes (%v), want %d updates", len(first.Changes), diags, n)
	}
	done := &apply.Result{}
	for _, c := range first.Changes {
		done.Results = append(done.Results, apply.ServerResult{Name: c.Name, Outcome: apply.OutcomeDone, ID: c.Before.ID, Actions: c.Actions})
	}

	// locked is one run's lock wiring: lock, optionally plan again,
	// journal, release.
	locked := func(b *testing.B, c *cli, replan bool) {
		run, err := c.openTeamRun(ctx, lockFlags{enabled: true}, conn.endpoint, "apply", "t")
		if err != nil {
			b.Fatal(err)
		}
		pl := &planned{fleet: fleet, live: live, plan: first, conn: conn}
		run.describe(pl.plan, fleetHash(fleet.Hash))
		if replan {
			if code, ok := c.lockAndReplan(ctx, run, pl, pf, engine.BuildPlan); !ok {
				b.Fatalf("lockAndReplan: exit %d", code)
			}
		} else if err := run.lock(ctx, lockNames(pl.plan, run.tag)); err != nil {
			b.Fatal(err)
		}
		if got := len(run.locker.Held()); got != n {
			b.Fatalf("%d names held, want %d", got, n)
		}
		if err := run.start(); err != nil {
			b.Fatal(err)
		}
		run.end(exitOK, "", done)
		run.close()
	}
	quiet := func(env map[string]string) *cli {
		return &cli{stdout: io.Discard, stderr: io.Discard, getenv: func(k string) string { return env[k] }}
	}

	b.Run("postgres", func(b *testing.B) {
		c := quiet(map[string]string{envLockURL: pgtest.NewDatabase(b)})
		for b.Loop() {
			locked(b, c, true)
		}
	})
	b.Run("postgres-lock-only", func(b *testing.B) {
		c := quiet(map[string]string{envLockURL: pgtest.NewDatabase(b)})
		for b.Loop() {
			locked(b, c, false)
		}
	})
	b.Run("local", func(b *testing.B) {
		b.Setenv("XDG_CACHE_HOME", b.TempDir())
		c := quiet(nil)
		for b.Loop() {
			locked(b, c, true)
		}
	})
	b.Run("replan", func(b *testing.B) {
		c := quiet(nil)
		pl := &planned{fleet: fleet, live: live, plan: first, conn: conn}
		for b.Loop() {
			if _, _, ok := c.replan(ctx, pl, pf, engine.BuildPlan); !ok {
				b.Fatal("replan refused")
			}
		}
	})
}
