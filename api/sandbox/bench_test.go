package sandbox

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// BenchmarkCreate1000 serves 1,000 creates over HTTP to an account on a
// state file, including the final Close that persists them. The target is
// well under 2 s an operation.
func BenchmarkCreate1000(b *testing.B) {
	const creates = 1000
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "state.json")
		a, err := New(Options{StatePath: path, Token: testToken, Empty: true, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(a)
		client := srv.Client()
		b.StartTimer()
		for i := range creates {
			body := `{"name":"web-` + strconv.Itoa(i) + `","plan_id":1,"os_id":5,"location":"us-west"}`
			benchRequest(b, client, "POST", srv.URL+"/api/v1/servers/", body, http.StatusCreated)
		}
		if err := a.Close(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		srv.Close()
		if n := a.Stats().Total; n != creates {
			b.Fatalf("%d requests served, want %d", n, creates)
		}
		b.StartTimer()
	}
	b.ReportMetric(creates, "requests/op")
}

// BenchmarkCreateParallel serves 2,000 creates over HTTP from 16
// connections at once to an account on a state file, including the final
// Close: the throughput of group commit, where requests that arrive while
// an fsync runs share the next one.
func BenchmarkCreateParallel(b *testing.B) {
	const workers, creates = 16, 2000
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "state.json")
		a, err := New(Options{StatePath: path, Token: testToken, Empty: true, Seed: 1, Credits: 1 << 40})
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(a)
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
		var next atomic.Int64
		var wg sync.WaitGroup
		b.StartTimer()
		for range workers {
			wg.Go(func() {
				for i := next.Add(1); i <= creates; i = next.Add(1) {
					body := `{"name":"web-` + strconv.Itoa(int(i)) + `","plan_id":1,"os_id":5,"location":"us-west"}`
					benchRequest(b, client, "POST", srv.URL+"/api/v1/servers/", body, http.StatusCreated)
				}
			})
		}
		wg.Wait()
		if err := a.Close(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		srv.Close()
		client.CloseIdleConnections()
		b.StartTimer()
	}
	b.ReportMetric(creates, "requests/op")
}

// BenchmarkAccount10000 measures single requests against an account of
// 10,000 servers: they must not cost O(N) beyond filtering.
func BenchmarkAccount10000(b *testing.B) {
	a, err := New(Options{Token: testToken, Empty: true, Seed: 1, Credits: 1 << 40})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	specs := make([]ServerSpec, 10000)
	for i := range specs {
		specs[i] = ServerSpec{Name: "web-" + strconv.Itoa(i), PlanID: 1, OSID: 5, Location: "us-west", Stopped: i%2 == 0}
	}
	ids, err := a.Import(specs)
	if err != nil {
		b.Fatal(err)
	}
	mid := strconv.FormatInt(ids[len(ids)/2], 10)
	cases := []struct {
		name, method, path, body string
		status                   int
	}{
		{"get", "GET", "/api/v1/servers/" + mid + "/", "", 200},
		{"list-page", "GET", "/api/v1/servers/?page=100", "", 200},
		{"list-filtered", "GET", "/api/v1/servers/?status=stopped&page=50", "", 200},
		{"patch", "PATCH", "/api/v1/servers/" + mid + "/", `{"hostname":"a.example.com"}`, 200},
		{"create", "POST", "/api/v1/servers/", `{"name":"x","plan_id":1,"os_id":5,"location":"us-east"}`, 201},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
				req.Header.Set("Authorization", "Bearer "+testToken)
				rec := httptest.NewRecorder()
				a.ServeHTTP(rec, req)
				if rec.Code != c.status {
					b.Fatalf("%s: %d %s", c.name, rec.Code, rec.Body)
				}
			}
			b.ReportMetric(1, "requests/op")
		})
	}
}

func benchRequest(b *testing.B, client *http.Client, method, url, body string, want int) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		b.Error(err)
		return
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		b.Error(err)
		return
	}
	data, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if (want != 0 && res.StatusCode != want) || res.StatusCode >= 500 { // want 0: any answer below 500
		b.Errorf("%s %s: %d %s", method, url, res.StatusCode, data)
	}
}
