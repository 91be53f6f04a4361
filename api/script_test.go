package api_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
)

// testToken is the token every test client uses; tests check that it never
// leaks into errors or printed values.
const testToken = "tok-SECRET-7f3a9c"

// step is one scripted answer. abort closes the connection unanswered.
type step struct {
	status int
	body   string
	header map[string]string
	abort  bool
}

// seen is one request as the scripted server received it.
type seen struct {
	method, uri string
	header      http.Header
	body        string
}

// script is an http.Handler that answers with its steps in order,
// repeating the last one, and records every request.
type script struct {
	mu    sync.Mutex
	steps []step
	reqs  []seen
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.reqs = append(s.reqs, seen{method: r.Method, uri: r.URL.RequestURI(), header: r.Header.Clone(), body: string(body)})
	st := s.steps[min(len(s.reqs)-1, len(s.steps)-1)]
	s.mu.Unlock()
	if st.abort {
		panic(http.ErrAbortHandler)
	}
	for k, v := range st.header {
		w.Header().Set(k, v)
	}
	if _, ok := st.header["Content-Type"]; !ok {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(st.status)
	io.WriteString(w, st.body)
}

func (s *script) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.reqs...)
}

// sleeps records the waits a client asked for, without waiting.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// stepBackoff is a visible, deterministic backoff: retry n waits n+1 ms
// (recorded by sleeps, never waited in real time).
func stepBackoff(retry int) time.Duration { return time.Duration(retry+1) * time.Millisecond }

// serve starts h on a loopback httptest server and returns a client of it
// that never waits in real time.
func serve(t testing.TB, h http.Handler, opts ...api.Option) (*api.Client, *sleeps) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	sl := &sleeps{}
	all := append([]api.Option{api.WithBackoff(stepBackoff), api.WithSleep(sl.sleep)}, opts...)
	return dial(t, srv.URL, h, testToken, all...), sl
}

// inProcess returns a client serving h in-process.
func inProcess(t testing.TB, h http.Handler, opts ...api.Option) (*api.Client, *sleeps) {
	t.Helper()
	sl := &sleeps{}
	all := append([]api.Option{api.WithBackoff(stepBackoff), api.WithSleep(sl.sleep)}, opts...)
	return dial(t, "", h, testToken, all...), sl
}

// dial returns a client with token of h listening at url, or of h served
// in-process (endpoint http://sandbox) when url is "".
func dial(t testing.TB, url string, h http.Handler, token string, opts ...api.Option) *api.Client {
	t.Helper()
	endpoint := url
	if url == "" {
		endpoint = "http://sandbox"
		opts = append(opts[:len(opts):len(opts)], api.WithHandler(h))
	}
	c, err := api.New(endpoint, token, opts...)
	if err != nil {
		t.Fatalf("api.New(%s): %v", endpoint, err)
	}
	return c
}

const serverJSON = `{"id": 12345, "name": "web-server-01", "hostname": "web01.example.com",
 "status": "active", "ip_address": "203.0.113.10", "location": "us-west",
 "plan": {"id": 1, "name": "Standard VPS", "vcpus": 2, "memory": 4096, "storage": 80},
 "os": {"id": 5, "name": "Ubuntu 22.04 LTS"},
 "created_at": "2025-01-10T14:30:00Z", "updated_at": "2025-01-15T10:20:00Z"}`

const actionJSON = `{"status": "success", "message": "Server is starting", "server": {"id": 12345, "name": "web-server-01", "status": "starting"}}`
