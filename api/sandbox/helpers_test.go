package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/internal/golden"
)

const testToken = "s3cret-test-token"

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{now: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// docTime is the instant of the documentation's create example.
var docTime = time.Date(2025, 1, 16, 15, 30, 0, 0, time.UTC)

// testServer is an account served over HTTP with its clock.
type testServer struct {
	t       *testing.T
	account *Account
	clock   *fakeClock
	srv     *httptest.Server
	client  *http.Client
}

// newTestServer serves a new account; opts.Token and opts.Now default to
// the test token and a fake clock at docTime.
func newTestServer(t *testing.T, opts Options) *testServer {
	t.Helper()
	clock := newFakeClock(docTime)
	if opts.Token == "" {
		opts.Token = testToken
	}
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	a, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(a)
	t.Cleanup(func() {
		srv.Close()
		if err := a.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	return &testServer{t: t, account: a, clock: clock, srv: srv, client: client}
}

// response is an answer as the tests look at it.
type response struct {
	status int
	header http.Header
	body   []byte
	err    error // transport error (reset, dropped answer)
}

// do sends a request with the test token; body "" sends none.
func (s *testServer) do(method, path, body string) response {
	return s.doAuth(method, path, body, "Bearer "+testToken)
}

// doAuth sends a request with the given Authorization header ("" for none).
func (s *testServer) doAuth(method, path, body, auth string) response {
	s.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.srv.URL+path, rd)
	if err != nil {
		s.t.Fatalf("NewRequest: %v", err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := s.client.Do(req)
	if err != nil {
		return response{err: err}
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: data, err: err}
}

// mustDo sends a request and fails the test unless the status is want.
func (s *testServer) mustDo(method, path, body string, want int) response {
	s.t.Helper()
	r := s.do(method, path, body)
	if r.err != nil {
		s.t.Fatalf("%s %s: %v", method, path, r.err)
	}
	if r.status != want {
		s.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, r.status, want, r.body)
	}
	return r
}

// decode unmarshals a response body into a generic value.
func decode(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, data)
	}
	return v
}

// create makes a server over HTTP and returns its id.
func (s *testServer) create(name string, planID int) int64 {
	s.t.Helper()
	body := `{"name":"` + name + `","plan_id":` + itoa(planID) + `,"os_id":5,"location":"us-west"}`
	r := s.mustDo("POST", "/api/v1/servers/", body, http.StatusCreated)
	return int64(decode(s.t, r.body)["id"].(float64))
}

// status returns a server's status from its detail.
func (s *testServer) status(id int64) string {
	s.t.Helper()
	r := s.mustDo("GET", "/api/v1/servers/"+itoa(int(id))+"/", "", http.StatusOK)
	return decode(s.t, r.body)["status"].(string)
}

func itoa(n int) string { return strconv.Itoa(n) }

// assertGolden compares an answer body, indented, with the golden file
// testdata/sandbox/NAME (at the repository's top level), byte for byte so
// field order counts; -update rewrites the file.
func assertGolden(t *testing.T, name string, body []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, body, "", "  "); err != nil {
		t.Fatalf("%s: body is not JSON: %v: %s", name, err, body)
	}
	buf.WriteByte('\n')
	golden.Check(t, filepath.Join("..", "..", "testdata", "sandbox", name), buf.Bytes())
}

// serverCount is the number of servers, read under the account's lock.
func (s *testServer) serverCount() int {
	s.account.mu.Lock()
	defer s.account.mu.Unlock()
	return len(s.account.servers)
}
