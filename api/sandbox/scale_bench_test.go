package sandbox

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// scales are the account sizes of the scale benchmarks.
var scales = []int{1000, 10000, 100000}

// scaleSpecs are n servers over the three locations, every other one
// stopped: a third of them in each location, half of them in each of
// the two settled statuses.
func scaleSpecs(n int) []ServerSpec {
	locs := []string{"us-west", "us-east", "eu-central"}
	specs := make([]ServerSpec, n)
	for i := range specs {
		specs[i] = ServerSpec{Name: "web-" + strconv.Itoa(i), PlanID: 1, OSID: 5, Location: locs[i%3], Stopped: i%2 == 0}
	}
	return specs
}

// scaleAccount is an account of n servers; with a state path, on disk.
func scaleAccount(b *testing.B, n int, path string) *Account {
	b.Helper()
	a, err := New(Options{StatePath: path, Token: testToken, Empty: true, Seed: 1, Credits: 1 << 40, PageSize: 50})
	if err != nil {
		b.Fatal(err)
	}
	specs := scaleSpecs(n)
	for lo := 0; lo < n; lo += 10000 {
		if _, err := a.Import(specs[lo:min(n, lo+10000)]); err != nil {
			b.Fatal(err)
		}
	}
	if path == "" {
		return a
	}
	// Reopened, the account is one snapshot and an empty journal, with
	// no compaction running.
	if err := a.Close(); err != nil {
		b.Fatal(err)
	}
	a, err = New(Options{StatePath: path, Token: testToken, Seed: 1, Credits: 1 << 40, PageSize: 50})
	if err != nil {
		b.Fatal(err)
	}
	return a
}

// serveOnce answers one request in-process and checks its status.
func serveOnce(b *testing.B, a *Account, method, path, body string, want int) {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testToken)
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
}

// BenchmarkListPage measures one list page in the middle of the listing,
// unfiltered and filtered by status, location and both, at 1,000, 10,000
// and 100,000 servers: a filtered page must cost what an unfiltered one
// does, at every size.
func BenchmarkListPage(b *testing.B) {
	for _, n := range scales {
		a := scaleAccount(b, n, "")
		filters := []struct{ name, query string }{
			{"unfiltered", ""},
			{"status", "status=stopped&"},
			{"location", "location=us-east&"},
			{"status+location", "status=active&location=eu-central&"},
		}
		for _, f := range filters {
			b.Run(strconv.Itoa(n)+"/"+f.name, func(b *testing.B) {
				page := max(1, n/6/50) // the middle page of the smallest listing
				path := "/api/v1/servers/?" + f.query + "page=" + strconv.Itoa(page)
				for b.Loop() {
					serveOnce(b, a, "GET", path, "", http.StatusOK)
				}
			})
		}
		a.Close()
	}
}

// BenchmarkListAllFiltered walks every page of a listing of 10,000
// servers, unfiltered and filtered by status (half of them match): the
// whole walk of a filtered listing costs what its pages do, no more.
func BenchmarkListAllFiltered(b *testing.B) {
	a := scaleAccount(b, 10000, "")
	defer a.Close()
	for _, f := range []struct{ name, query string }{{"unfiltered", ""}, {"status", "status=stopped&"}} {
		b.Run(f.name, func(b *testing.B) {
			pages := 10000 / 50
			if f.query != "" {
				pages /= 2
			}
			for b.Loop() {
				for p := 1; p <= pages; p++ {
					serveOnce(b, a, "GET", "/api/v1/servers/?"+f.query+"page="+strconv.Itoa(p), "", http.StatusOK)
				}
			}
			b.ReportMetric(float64(pages), "pages/op")
		})
	}
}

// BenchmarkJournalAppend measures one change (a PATCH) on an account on
// disk of 1,000, 10,000 and 100,000 servers: appended to the journal and
// synced before it is answered, whatever the account's size. "serial"
// sends one change at a time (each waits for its own sync); "parallel"
// sends from 16 goroutines, whose changes share syncs.
func BenchmarkJournalAppend(b *testing.B) {
	for _, n := range scales {
		a := scaleAccount(b, n, filepath.Join(b.TempDir(), "state.json"))
		ids := make([]string, 0, n)
		for _, r := range a.servers {
			ids = append(ids, strconv.FormatInt(r.ID, 10))
		}
		b.Run(strconv.Itoa(n)+"/serial", func(b *testing.B) {
			i := 0
			for b.Loop() {
				i++
				serveOnce(b, a, "PATCH", "/api/v1/servers/"+ids[i%n]+"/", `{"hostname":"h`+strconv.Itoa(i)+`.example.com"}`, http.StatusOK)
			}
		})
		b.Run(strconv.Itoa(n)+"/parallel", func(b *testing.B) {
			b.SetParallelism(8) // 16 goroutines on 2 cores
			var mu sync.Mutex
			next := 0
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					mu.Lock()
					next++
					i := next
					mu.Unlock()
					req := httptest.NewRequest("PATCH", "/api/v1/servers/"+ids[i%n]+"/", strings.NewReader(`{"backups_enabled":true}`))
					req.Header.Set("Authorization", "Bearer "+testToken)
					rec := httptest.NewRecorder()
					a.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Errorf("PATCH: %d %s", rec.Code, rec.Body)
						return
					}
				}
			})
		})
		if err := a.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompaction measures one compaction of an account on disk of
// 1,000, 10,000 and 100,000 servers: pause-ms is how long requests wait
// (the copy of the account under its lock); ns/op is the whole
// compaction (encoding, writing and syncing the snapshot, and the new
// journal), which runs while requests are served.
func BenchmarkCompaction(b *testing.B) {
	for _, n := range scales {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			a := scaleAccount(b, n, filepath.Join(b.TempDir(), "state.json"))
			defer a.Close()
			var paused time.Duration
			for b.Loop() {
				a.mu.Lock()
				a.waitCompactionLocked()
				a.store.sinceSnapshot = 1 << 62 // past any bound
				start := time.Now()
				a.maybeCompactLocked()
				paused += time.Since(start)
				a.waitCompactionLocked()
				a.mu.Unlock()
			}
			b.ReportMetric(float64(paused.Milliseconds())/float64(b.N), "pause-ms")
			b.ReportMetric(float64(a.store.snapshotSize)/(1<<20), "snapshot-MiB")
		})
	}
}

// BenchmarkServe100000 serves an account of 100,000 servers on disk over
// HTTP: 16 connections send list pages (filtered and not), gets, patches,
// power actions and creates, while the journal is compacted. It reports
// the process's peak resident memory (VmHWM: the test binary, its HTTP
// clients and the account together, an upper bound for `sandbox serve`)
// and the Go heap in use at the end. The target is under 300 MB.
func BenchmarkServe100000(b *testing.B) {
	const n = 100000
	path := filepath.Join(b.TempDir(), "state.json")
	if err := scaleAccount(b, n, path).Close(); err != nil { // the snapshot of 100,000 servers
		b.Fatal(err)
	}
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS() // measure from here: serving, not building the account
	b.ResetTimer()
	for b.Loop() {
		a, err := New(Options{StatePath: path, Token: testToken, Seed: 1, Credits: 1 << 40, PageSize: 50,
			TransitionDelay: time.Millisecond, compactAfter: 256 << 10})
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(a)
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
		var wg sync.WaitGroup
		for w := range 16 {
			wg.Go(func() {
				for i := range 200 {
					id := strconv.Itoa(firstID + (w*7919+i*104729)%n)
					switch i % 8 {
					case 0:
						benchRequest(b, client, "GET", srv.URL+"/api/v1/servers/?page="+strconv.Itoa(1+i%2000), "", 200)
					case 1:
						benchRequest(b, client, "GET", srv.URL+"/api/v1/servers/?status=stopped&page="+strconv.Itoa(1+i%1000), "", 200)
					case 2:
						benchRequest(b, client, "GET", srv.URL+"/api/v1/servers/?location=us-east&status=active&page="+strconv.Itoa(1+i%300), "", 200)
					case 3:
						benchRequest(b, client, "GET", srv.URL+"/api/v1/servers/"+id+"/", "", 200)
					case 4, 5:
						benchRequest(b, client, "PATCH", srv.URL+"/api/v1/servers/"+id+"/", `{"hostname":"h`+strconv.Itoa(i)+`.example.com"}`, 200)
					case 6:
						benchRequest(b, client, "POST", srv.URL+"/api/v1/servers/", `{"name":"new","plan_id":1,"os_id":5,"location":"us-west"}`, 201)
					case 7:
						req := "/api/v1/servers/" + id + "/reboot/"
						benchRequest(b, client, "POST", srv.URL+req, "", 0) // 200, or 400 when not running
					}
				}
			})
		}
		wg.Wait()
		srv.Close()
		client.CloseIdleConnections()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-inuse-MiB")
		if err := a.Close(); err != nil {
			b.Fatal(err)
		}
	}
	if hwm := peakRSS(); hwm > 0 {
		b.ReportMetric(float64(hwm)/(1<<20), "peak-rss-MiB")
	}
	b.ReportMetric(16*200, "requests/op")
}

// resetPeakRSS starts peakRSS afresh from the current resident set
// (Linux; elsewhere it does nothing).
func resetPeakRSS() {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSS is the process's peak resident set in bytes (Linux), 0 when
// unknown.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
