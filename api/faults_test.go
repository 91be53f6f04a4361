package api_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
)

// Retries under the sandbox's injected faults. Every wait is taken on the
// fake clock, so nothing sleeps in real time.

func TestFaultRateRetriedReads(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			f := newFixture(t, tr.inProc, sandbox.Options{FaultRate: 0.3, Seed: 42, PageSize: 1},
				api.WithMaxRetries(8), api.WithRetryBudget(1000))
			ctx := context.Background()
			for i := range 20 {
				all, err := f.client.ListServers(ctx, api.ListOptions{})
				if err != nil || len(all) != 2 {
					t.Fatalf("list %d: %d servers, %v", i, len(all), err)
				}
				if _, err := f.client.GetServer(ctx, 12346); err != nil {
					t.Fatalf("get %d: %v", i, err)
				}
				host := fmt.Sprintf("web%d.example.com", i)
				s, err := f.client.UpdateServer(ctx, 12345, api.UpdateRequest{Hostname: &host})
				if err != nil || s.Hostname != host {
					t.Fatalf("patch %d: %+v, %v", i, s, err)
				}
			}
			if sent, calls := f.client.RequestCount(), int64(20*4); sent <= calls {
				t.Errorf("%d requests for %d calls: the faults were not exercised", sent, calls)
			}
		})
	}
}

func TestRateLimitHonoursRetryAfter(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			f := newFixture(t, tr.inProc, sandbox.Options{RateLimit: 2})
			var waits []time.Duration
			record := func(ctx context.Context, d time.Duration) error {
				waits = append(waits, d)
				return f.clock.sleep(ctx, d)
			}
			c := f.other(t, sandboxToken, api.WithSleep(record), api.WithBackoff(stepBackoff))
			for i := range 30 {
				if _, err := c.GetServer(context.Background(), 12345); err != nil {
					t.Fatalf("get %d under a 429 storm: %v", i, err)
				}
			}
			if len(waits) == 0 {
				t.Fatal("no 429 was answered: the rate limit was not exercised")
			}
			for _, w := range waits {
				// stepBackoff's jitter (1ms for a first retry, 2ms for a
				// second, ...) on top of the sandbox's whole-second
				// Retry-After.
				if w < time.Second || w%time.Second == 0 || w%time.Second > 10*time.Millisecond {
					t.Errorf("waited %v: not the sandbox's Retry-After (whole seconds) plus the backoff", w)
				}
			}
		})
	}
}

func TestDroppedCreateNeverDuplicated(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			f := newFixture(t, tr.inProc, sandbox.Options{DropRate: 1, Empty: true})
			_, err := f.client.CreateServer(context.Background(), api.CreateRequest{Name: "web-01", PlanID: 1, OSID: 5, Location: "us-west"})
			if !api.IsOutcomeUnknown(err) {
				t.Fatalf("err = %v, want an unknown outcome", err)
			}
			var e *api.Error
			if !errors.As(err, &e) || e.Status != 0 || e.Attempts != 1 {
				t.Errorf("err = %#v", e)
			}
			if n := f.byName(t, "web-01"); n != 1 {
				t.Errorf("%d servers named web-01 after one dropped create, want 1", n)
			}
		})
	}
}

func TestCreatesUnderDropsAndFaults(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			f := newFixture(t, tr.inProc, sandbox.Options{DropRate: 0.3, FaultRate: 0.2, Seed: 7, Empty: true},
				api.WithRetryBudget(1000))
			ctx := context.Background()
			var ok, unknown int
			for i := range 30 {
				name := fmt.Sprintf("web-%02d", i)
				_, err := f.client.CreateServer(ctx, api.CreateRequest{Name: name, PlanID: 1, OSID: 5, Location: "us-west"})
				switch {
				case err == nil:
					ok++
				case api.IsOutcomeUnknown(err):
					unknown++
				default:
					t.Fatalf("create %s: %v", name, err)
				}
				if n := f.byName(t, name); n > 1 {
					t.Fatalf("%d servers named %s: a create was sent twice", n, name)
				}
			}
			if ok == 0 || unknown == 0 {
				t.Errorf("%d created, %d unknown: the faults were not exercised", ok, unknown)
			}
		})
	}
}

// TestRetryBudgetRefillsOnSuccess runs far more calls than the retry
// budget against an API that fails 30% of the time: each success earns a
// retry back, so a long run gets through on a small budget.
func TestRetryBudgetRefillsOnSuccess(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			const budget, calls = 10, 300
			f := newFixture(t, tr.inProc, sandbox.Options{FaultRate: 0.3, Seed: 3},
				api.WithRetryBudget(budget), api.WithMaxRetries(20))
			for i := range calls {
				if _, err := f.client.GetServer(context.Background(), 12345); err != nil {
					t.Fatalf("get %d of %d: %v", i+1, calls, err)
				}
			}
			if retries := f.client.RequestCount() - calls; retries <= budget {
				t.Errorf("%d retries in %d calls: no more than the budget of %d, so its refill was not exercised", retries, calls, budget)
			}
		})
	}
}

func TestSpentBudgetAgainstFailingSandbox(t *testing.T) {
	f := newFixture(t, false, sandbox.Options{FaultRate: 1}, api.WithRetryBudget(4))
	_, err := f.client.ListServers(context.Background(), api.ListOptions{})
	if !errors.Is(err, api.ErrRetryBudgetExhausted) {
		t.Fatalf("err = %v, want ErrRetryBudgetExhausted", err)
	}
	if !strings.Contains(err.Error(), "kept failing") || !strings.Contains(err.Error(), "GET /api/v1/servers/") {
		t.Errorf("message %q does not say what kept failing", err)
	}
	if got := f.client.RequestCount(); got != 5 {
		t.Errorf("RequestCount = %d, want 5 (one attempt and the 4 retries of the budget)", got)
	}
	if stats := f.account.Stats(); stats.Total != 5 {
		t.Errorf("the sandbox saw %d requests, want 5", stats.Total)
	}
}
