package apply

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
	"github.com/vpsfleet/vpsfleet/engine"
	et "github.com/vpsfleet/vpsfleet/internal/enginetest"
	"github.com/vpsfleet/vpsfleet/internal/plainclient"
	"github.com/vpsfleet/vpsfleet/schema"
)

// The scale table of make bench: for N = 1,000, 3,000, 10,000 and 100,000
// servers, an apply of N creates against an empty sandbox account served
// over HTTP (provisioning 4 s), then the no-op plan of those N servers.
// Each scenario runs in a process of its own (this test binary, run again
// with the scenario in scaleScenarioEnv), so that its peak RSS is its own;
// the sandbox is served by the benchmark's process. Timing is measured,
// never asserted.

const (
	scaleScenarioEnv = "VPSFLEET_SCALE_SCENARIO"
	scaleResultTag   = "SCALE-RESULT "
	scaleToken       = "bench"
	scaleProvision   = 4 * time.Second
	scaleParallelism = 10
)

// scaleScenario is what one child process runs.
type scaleScenario struct {
	// Kind is "apply" (N creates) or "noop" (the plan of N servers that
	// match, read and built by the engine, and the same requests made by
	// the simplest client, in turns).
	Kind string
	N    int
	URL  string
	// PerServer polls each waiting server by its own GETs (the baseline).
	PerServer bool
	// Rounds is how many times "noop" runs each client.
	Rounds int
}

// scaleResult is what a child reports.
type scaleResult struct {
	Wall time.Duration
	// LastCreate is when the last create was answered, from the start.
	LastCreate time.Duration
	// LastList is when the last list of the account began, ListTime
	// how long it took.
	LastList, ListTime time.Duration
	// Goroutines is the most the process ran at once.
	Goroutines int
	OK         bool
	Err        string
	// Plain is the simplest client's wall for the no-op plan's requests.
	Plain time.Duration
	// RSS is filled in by the parent: the child's peak resident set.
	RSS int64
}

// scaleFleet declares web-000001 .. web-N.
func scaleFleet(n int) *schema.Fleet {
	fleet := &schema.Fleet{Owns: schema.GlobSet{"web-*"}}
	fleet.Servers = make([]schema.DesiredServer, n)
	for i := range fleet.Servers {
		name := fmt.Sprintf("web-%06d", i+1)
		fleet.Servers[i] = et.Desired(name, i+1, et.WantHost(name+".example.com"))
	}
	return fleet
}

// TestScaleScenario is a child of BenchmarkScaleTable; it does nothing
// unless run as one.
func TestScaleScenario(t *testing.T) {
	raw := os.Getenv(scaleScenarioEnv)
	if raw == "" {
		t.Skip("run by BenchmarkScaleTable")
	}
	var sc scaleScenario
	if err := json.Unmarshal([]byte(raw), &sc); err != nil {
		t.Fatal(err)
	}
	var most atomic.Int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			if n := int64(runtime.NumGoroutine()); n > most.Load() {
				most.Store(n)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	var res scaleResult
	var err error
	switch sc.Kind {
	case "apply":
		res, err = scaleApply(sc)
	case "noop":
		res, err = scaleNoOp(sc)
	default:
		err = fmt.Errorf("unknown scenario %q", sc.Kind)
	}
	close(stop)
	<-sampled
	res.Goroutines = int(most.Load())
	if err != nil {
		res.Err = err.Error()
	}
	out, _ := json.Marshal(res)
	fmt.Printf("%s%s\n", scaleResultTag, out)
}

// lastCreateAccount notes when its last create was answered, and when
// its last list began and ended.
type lastCreateAccount struct {
	engine.Account
	last               atomic.Int64
	listFrom, listTill atomic.Int64
}

func (a *lastCreateAccount) ListServers(ctx context.Context, opts api.ListOptions) ([]api.Server, error) {
	from := time.Now().UnixNano()
	s, err := a.Account.ListServers(ctx, opts)
	a.listFrom.Store(from)
	a.listTill.Store(time.Now().UnixNano())
	return s, err
}

func (a *lastCreateAccount) CreateServer(ctx context.Context, req api.CreateRequest) (*api.Server, error) {
	s, err := a.Account.CreateServer(ctx, req)
	a.last.Store(time.Now().UnixNano())
	return s, err
}

// countingProgress counts events, the cheapest a view can be.
type countingProgress struct{ n int }

func (c *countingProgress) Event(Event) { c.n++ }

func scaleClient(url string) (*api.Client, error) {
	return api.New(url, scaleToken, api.WithParallelism(scaleParallelism))
}

// scaleApply plans N creates against the empty account and applies them.
func scaleApply(sc scaleScenario) (scaleResult, error) {
	ctx := context.Background()
	c, err := scaleClient(sc.URL)
	if err != nil {
		return scaleResult{}, err
	}
	fleet := scaleFleet(sc.N)
	live, err := engine.ReadLive(ctx, c, fleet, engine.PlanOptions{Parallelism: scaleParallelism})
	if err != nil {
		return scaleResult{}, err
	}
	plan, diags := engine.BuildPlan(fleet, live, engine.PlanOptions{})
	if diags.HasErrors() {
		return scaleResult{}, diags
	}
	if len(plan.Changes) != sc.N {
		return scaleResult{}, fmt.Errorf("the plan has %d changes, want %d creates", len(plan.Changes), sc.N)
	}
	acct := &lastCreateAccount{Account: c}
	opts := Options{Parallelism: scaleParallelism, Progress: &countingProgress{}}
	if sc.PerServer {
		opts = perServerPolling(opts)
	}
	start := time.Now()
	res, err := Run(ctx, acct, plan, opts)
	wall := time.Since(start)
	if err != nil {
		return scaleResult{}, err
	}
	out := scaleResult{Wall: wall, LastCreate: time.Unix(0, acct.last.Load()).Sub(start), OK: res.OK() && res.Created == sc.N,
		LastList: time.Unix(0, acct.listFrom.Load()).Sub(start), ListTime: time.Duration(acct.listTill.Load() - acct.listFrom.Load())}
	if !out.OK {
		return out, fmt.Errorf("apply: OK %v, %d created, %d failed, %d not started", res.OK(), res.Created, res.Count(OutcomeFailed), res.Count(OutcomeNotStarted))
	}
	return out, nil
}

// scaleNoOp plans the N servers the apply made, with the engine and, in
// turns, makes the same requests with the simplest client.
func scaleNoOp(sc scaleScenario) (scaleResult, error) {
	ctx := context.Background()
	c, err := scaleClient(sc.URL)
	if err != nil {
		return scaleResult{}, err
	}
	fleet := scaleFleet(sc.N)
	plain := plainclient.New(sc.URL, scaleToken, scaleParallelism)
	var out scaleResult
	for round := range max(sc.Rounds, 1) {
		turns := []func() error{
			func() error {
				start := time.Now()
				live, err := engine.ReadLive(ctx, c, fleet, engine.PlanOptions{Parallelism: scaleParallelism})
				if err != nil {
					return err
				}
				p, diags := engine.BuildPlan(fleet, live, engine.PlanOptions{})
				out.Wall += time.Since(start)
				if diags.HasErrors() {
					return diags
				}
				if !p.Empty() {
					return fmt.Errorf("the no-op plan has %d changes", len(p.Changes))
				}
				return nil
			},
			func() error {
				start := time.Now()
				n, err := plain.NoOpPlan()
				out.Plain += time.Since(start)
				if err == nil && n != sc.N {
					err = fmt.Errorf("the simplest client read %d servers, want %d", n, sc.N)
				}
				return err
			},
		}
		// Take turns at going first, so that neither always runs warm.
		if round%2 == 1 {
			slices.Reverse(turns)
		}
		for _, turn := range turns {
			if err := turn(); err != nil {
				return out, err
			}
		}
	}
	rounds := time.Duration(max(sc.Rounds, 1))
	out.Wall /= rounds
	out.Plain /= rounds
	out.OK = true
	return out, nil
}

// runScenario runs sc in a child process and returns what it reported,
// with its peak RSS.
func runScenario(b *testing.B, sc scaleScenario) scaleResult {
	b.Helper()
	raw, err := json.Marshal(sc)
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestScaleScenario$", "-test.bench=^$", "-test.count=1", "-test.timeout=0")
	cmd.Env = append(os.Environ(), scaleScenarioEnv+"="+string(raw))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("scenario %+v: %v\n%s%s", sc, err, stdout.String(), stderr.String())
	}
	var res scaleResult
	found := false
	for sc := bufio.NewScanner(&stdout); sc.Scan(); {
		if line, ok := strings.CutPrefix(sc.Text(), scaleResultTag); ok {
			if err := json.Unmarshal([]byte(line), &res); err != nil {
				b.Fatal(err)
			}
			found = true
		}
	}
	if !found {
		b.Fatalf("scenario %+v reported nothing:\n%s%s", sc, stdout.String(), stderr.String())
	}
	if res.Err != "" {
		b.Fatalf("scenario %+v: %s", sc, res.Err)
	}
	res.RSS = maxRSS(cmd.ProcessState)
	return res
}

// scaleAccount is an empty sandbox account served over HTTP: provisioning
// 4 s, pages of 50, credits for any number of servers.
func scaleAccount(b *testing.B) (*sandbox.Account, string) {
	b.Helper()
	acct, err := sandbox.New(sandbox.Options{Token: scaleToken, Empty: true, Seed: 1, Credits: 1 << 40,
		ProvisionDelay: scaleProvision, TransitionDelay: time.Second, PageSize: 50})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(acct)
	b.Cleanup(func() {
		srv.Close()
		acct.Close()
	})
	return acct, srv.URL
}

// requestsDuring returns the requests acct answered while fn ran, by
// kind: creates, list pages, GETs of one server; and in all.
func requestsDuring(acct *sandbox.Account, fn func()) (creates, pages, gets, total int64) {
	before := acct.Stats()
	fn()
	after := acct.Stats()
	kind := func(k string) int64 { return after.Requests[k] - before.Requests[k] }
	return kind("POST /api/v1/servers/"), kind("GET /api/v1/servers/"), kind("GET /api/v1/servers/{id}/"), after.Total - before.Total
}

// scaleRow is one line of the table.
type scaleRow struct {
	n             int
	walls, floors []float64 // apply wall and its floor, per provisioning time
	// lateness is how long after the floor the last list began, and
	// listing how long it took, per trial.
	lateness, listing []time.Duration
	perServer         float64
	pages, gets       int64
	rss               int64
	goroutines        int
	noop, plain       time.Duration
	noopRequests      int64
	noopRSS           int64
}

// BenchmarkScaleTable prints the table of issue #13: apply wall over
// provisioning time (and its floor: the last create's answer plus one
// provisioning time), requests a server, list pages and GETs the poller
// sent, peak RSS and goroutines of the apply, and the no-op plan's wall,
// requests and ratio to the simplest client; then the per-server polling
// baseline at 1,000.
func BenchmarkScaleTable(b *testing.B) {
	if testing.Short() {
		b.Skip("the scale table takes minutes")
	}
	sizes := []struct{ n, trials, rounds int }{{1000, 3, 5}, {3000, 3, 1}, {10000, 3, 5}, {100000, 1, 1}}
	if only := os.Getenv("VPSFLEET_SCALE_N"); only != "" {
		// One size, for a quick look: VPSFLEET_SCALE_N=10000.
		n, err := strconv.Atoi(only)
		if err != nil || n < 1 {
			b.Fatalf("VPSFLEET_SCALE_N=%q: want a number of servers", only)
		}
		sizes = sizes[:1]
		sizes[0].n = n
	}
	var rows []scaleRow
	for range b.N {
		rows = rows[:0]
		for _, size := range sizes {
			acct, url := scaleAccount(b)
			row := scaleRow{n: size.n}
			var creates, total int64
			for trial := range size.trials {
				if trial > 0 {
					// Each trial creates into an empty account.
					acct, url = scaleAccount(b)
				}
				var res scaleResult
				c, pages, gets, all := requestsDuring(acct, func() {
					res = runScenario(b, scaleScenario{Kind: "apply", N: size.n, URL: url})
				})
				creates, total = creates+c, total+all
				row.pages += pages
				row.gets += gets
				row.walls = append(row.walls, res.Wall.Seconds()/scaleProvision.Seconds())
				row.floors = append(row.floors, (res.LastCreate+scaleProvision).Seconds()/scaleProvision.Seconds())
				row.lateness = append(row.lateness, res.LastList-res.LastCreate-scaleProvision)
				row.listing = append(row.listing, res.ListTime)
				row.rss = max(row.rss, res.RSS)
				row.goroutines = max(row.goroutines, res.Goroutines)
			}
			// The plan's first list page is not the apply's.
			row.pages -= int64(size.trials)
			row.perServer = float64(total-int64(size.trials)) / float64(creates)
			row.pages /= int64(size.trials)
			row.gets /= int64(size.trials)
			var noop scaleResult
			_, _, _, all := requestsDuring(acct, func() {
				noop = runScenario(b, scaleScenario{Kind: "noop", N: size.n, URL: url, Rounds: size.rounds})
			})
			row.noop, row.plain, row.noopRSS = noop.Wall, noop.Plain, noop.RSS
			row.noopRequests = all / int64(2*size.rounds)
			rows = append(rows, row)
		}
	}

	// The baseline: the same apply at 1,000, each waiting server polling
	// itself.
	acct, url := scaleAccount(b)
	var base scaleResult
	_, _, _, baseTotal := requestsDuring(acct, func() {
		base = runScenario(b, scaleScenario{Kind: "apply", N: 1000, URL: url, PerServer: true})
	})

	fmt.Printf("\nScale (#13): apply of N creates, provisioning %s, -parallelism %d; then the no-op plan of the N servers.\n", scaleProvision, scaleParallelism)
	fmt.Printf("%-8s %-18s %-7s %-9s %-11s %-6s %-9s %-6s %-9s %-9s %-9s %-7s %-9s\n",
		"N", "apply/prov (floor)", "trials", "req/srv", "list pages", "GETs", "peak RSS", "gor.", "no-op", "requests", "simplest", "ratio", "plan RSS")
	for _, r := range rows {
		fmt.Printf("%-8d %-18s %-7d %-9.3f %-11d %-6d %-9s %-6d %-9s %-9d %-9s %-7.2f %-9s\n",
			r.n, fmt.Sprintf("%.3f (%.3f)", median(r.walls), median(r.floors)), len(r.walls), r.perServer, r.pages, r.gets,
			megabytes(r.rss), r.goroutines, r.noop.Round(time.Millisecond), r.noopRequests, r.plain.Round(time.Millisecond),
			r.noop.Seconds()/r.plain.Seconds(), megabytes(r.noopRSS))
	}
	shared := rows[0]
	basePer := float64(baseTotal-1) / 1000
	fmt.Printf("per-server polling at 1000: %.3f requests a server, apply/prov %.3f: %.1f× the requests of the shared poller (%.3f)\n",
		basePer, base.Wall.Seconds()/scaleProvision.Seconds(), basePer/shared.perServer, shared.perServer)
	for _, r := range rows {
		fmt.Printf("N=%d apply/prov per trial: %s; the last list began %s after the floor and took %s\n",
			r.n, formatRatios(r.walls), formatDurations(r.lateness), formatDurations(r.listing))
	}
	fmt.Println("apply/prov: wall of apply.Run over the provisioning time; floor: (last create answered + provisioning) over it.")
	fmt.Println("req/srv: requests the sandbox answered during the apply, its final check included, per server created;")
	fmt.Println("list pages, GETs: what the poller (and the final check) sent per apply; a list costs N/50 pages.")
	fmt.Println("no-op: engine.ReadLive + engine.BuildPlan; simplest: the same requests by the plainest net/http client; ratio: no-op/simplest.")
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	sort.Float64s(s)
	return s[len(s)/2]
}

func formatRatios(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.3f", x)
	}
	return strings.Join(parts, " ")
}

func formatDurations(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.Round(time.Millisecond).String()
	}
	return strings.Join(parts, " ")
}

func megabytes(n int64) string {
	if n <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
}
