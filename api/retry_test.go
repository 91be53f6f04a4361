package api_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
)

// op is one client call used by the scripted tests.
type op func(ctx context.Context, c *api.Client) error

var (
	opGet = func(ctx context.Context, c *api.Client) error {
		_, err := c.GetServer(ctx, 12345)
		return err
	}
	opList = func(ctx context.Context, c *api.Client) error {
		_, err := c.ListServers(ctx, api.ListOptions{})
		return err
	}
	opCreate = func(ctx context.Context, c *api.Client) error {
		_, err := c.CreateServer(ctx, api.CreateRequest{Name: "web-1", PlanID: 1, OSID: 5, Location: "us-west"})
		return err
	}
	opReplace = func(ctx context.Context, c *api.Client) error {
		_, err := c.ReplaceServer(ctx, 12345, api.ReplaceRequest{Name: "a", Hostname: "a.example.com"})
		return err
	}
	opPatch = func(ctx context.Context, c *api.Client) error {
		name := "b"
		_, err := c.UpdateServer(ctx, 12345, api.UpdateRequest{Name: &name})
		return err
	}
	opDelete = func(ctx context.Context, c *api.Client) error {
		return c.DeleteServer(ctx, 12345)
	}
	opStart = func(ctx context.Context, c *api.Client) error {
		_, err := c.StartServer(ctx, 12345)
		return err
	}
	opStop = func(ctx context.Context, c *api.Client) error {
		_, err := c.StopServer(ctx, 12345)
		return err
	}
	opReboot = func(ctx context.Context, c *api.Client) error {
		_, err := c.RebootServer(ctx, 12345)
		return err
	}
)

const listJSON = `{"count": 1, "next": null, "previous": null, "results": [` + serverJSON + `]}`

func TestRetryByStatusSequence(t *testing.T) {
	ok := step{status: 200, body: serverJSON}
	created := step{status: 201, body: serverJSON}
	s503 := step{status: 503, body: `{"detail": "Service unavailable"}`}
	reset := step{abort: true}
	tests := []struct {
		name     string
		op       op
		steps    []step
		wantErr  func(error) bool // nil: success expected
		unknown  bool
		attempts int
		waits    []time.Duration
	}{
		{"GET retried on 503", opGet, []step{s503, s503, ok}, nil, false, 3, []time.Duration{time.Millisecond, 2 * time.Millisecond}},
		{"GET retried on reset", opGet, []step{reset, ok}, nil, false, 2, []time.Duration{time.Millisecond}},
		{"list retried on 502", opList, []step{{status: 502, body: "<html>bad</html>", header: map[string]string{"Content-Type": "text/html"}}, {status: 200, body: listJSON}}, nil, false, 2, []time.Duration{time.Millisecond}},
		{"GET 429 honours Retry-After seconds, jitter on top", opGet, []step{{status: 429, body: `{"detail": "Request was throttled."}`, header: map[string]string{"Retry-After": "7"}}, ok}, nil, false, 2, []time.Duration{7*time.Second + time.Millisecond}},
		{"GET 429 storm: Retry-After plus a growing jitter", opGet, []step{{status: 429, header: map[string]string{"Retry-After": "1"}}, {status: 429, header: map[string]string{"Retry-After": "1"}}, {status: 429, header: map[string]string{"Retry-After": "1"}}, ok}, nil, false, 4, []time.Duration{time.Second + time.Millisecond, time.Second + 2*time.Millisecond, time.Second + 3*time.Millisecond}},
		{"GET 429 without Retry-After backs off", opGet, []step{{status: 429}, {status: 429}, ok}, nil, false, 3, []time.Duration{time.Millisecond, 2 * time.Millisecond}},
		{"GET 503 honours Retry-After", opGet, []step{{status: 503, header: map[string]string{"Retry-After": "2"}}, ok}, nil, false, 2, []time.Duration{2*time.Second + time.Millisecond}},
		{"GET gives up after max retries", opGet, []step{s503}, statusIs(503), false, 6, ms(1, 2, 3, 4, 5)},
		{"GET 400 not retried", opGet, []step{{status: 400, body: `{"detail": "bad"}`}}, api.IsBadRequest, false, 1, nil},
		{"GET 401 not retried", opGet, []step{{status: 401, body: `{"detail": "Invalid token."}`}}, api.IsUnauthorized, false, 1, nil},
		{"GET 404 not retried", opGet, []step{{status: 404, body: `{"detail": "Not found."}`}}, api.IsNotFound, false, 1, nil},
		{"create 429 retried", opCreate, []step{{status: 429, header: map[string]string{"Retry-After": "1"}}, created}, nil, false, 2, []time.Duration{time.Second + time.Millisecond}},
		{"create 503 never re-sent", opCreate, []step{s503, created}, api.IsOutcomeUnknown, true, 1, nil},
		{"create reset never re-sent", opCreate, []step{reset, created}, api.IsOutcomeUnknown, true, 1, nil},
		{"create 402", opCreate, []step{{status: 402, body: `{"detail": "Insufficient credits"}`}}, api.IsPaymentRequired, false, 1, nil},
		{"create 400", opCreate, []step{{status: 400, body: `{"name": ["This field is required."]}`}}, api.IsBadRequest, false, 1, nil},
		{"start 502 never re-sent", opStart, []step{{status: 502}, {status: 200, body: actionJSON}}, api.IsOutcomeUnknown, true, 1, nil},
		{"stop reset never re-sent", opStop, []step{reset, {status: 200, body: actionJSON}}, api.IsOutcomeUnknown, true, 1, nil},
		{"reboot 429 retried", opReboot, []step{{status: 429}, {status: 200, body: actionJSON}}, nil, false, 2, []time.Duration{time.Millisecond}},
		{"start 400 already running", opStart, []step{{status: 400, body: `{"detail": "Server is already running"}`}}, api.IsBadRequest, false, 1, nil},
		{"PUT retried on reset", opReplace, []step{reset, ok}, nil, false, 2, []time.Duration{time.Millisecond}},
		{"PATCH retried on 500", opPatch, []step{{status: 500}, ok}, nil, false, 2, []time.Duration{time.Millisecond}},
		{"PATCH 5xx to the end is uncertain", opPatch, []step{{status: 500}}, api.IsOutcomeUnknown, true, 6, ms(1, 2, 3, 4, 5)},
		{"DELETE 204", opDelete, []step{{status: 204}}, nil, false, 1, nil},
		{"DELETE 404 is an error", opDelete, []step{{status: 404, body: `{"detail": "Not found."}`}}, api.IsNotFound, false, 1, nil},
		{"DELETE 404 after 503 succeeded", opDelete, []step{s503, {status: 404}}, nil, false, 2, []time.Duration{time.Millisecond}},
		{"DELETE 404 after reset succeeded", opDelete, []step{reset, {status: 404}}, nil, false, 2, []time.Duration{time.Millisecond}},
		{"DELETE 404 after 429 is an error", opDelete, []step{{status: 429}, {status: 404}}, api.IsNotFound, false, 2, []time.Duration{time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := &script{steps: tt.steps}
			c, sl := serve(t, sc)
			err := tt.op(context.Background(), c)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != nil && !tt.wantErr(err) {
				t.Fatalf("error %v does not satisfy the expected check", err)
			}
			if got := api.IsOutcomeUnknown(err); got != tt.unknown {
				t.Errorf("IsOutcomeUnknown = %v, want %v (err %v)", got, tt.unknown, err)
			}
			if got := len(sc.requests()); got != tt.attempts {
				t.Errorf("server saw %d requests, want %d", got, tt.attempts)
			}
			if got := c.RequestCount(); got != int64(tt.attempts) {
				t.Errorf("RequestCount = %d, want %d", got, tt.attempts)
			}
			if got := sl.all(); !slices.Equal(got, tt.waits) {
				t.Errorf("waits = %v, want %v", got, tt.waits)
			}
			var e *api.Error
			if err != nil && errors.As(err, &e) && e.Attempts != tt.attempts {
				t.Errorf("Error.Attempts = %d, want %d", e.Attempts, tt.attempts)
			}
		})
	}
}

func TestDialErrorRetriedEvenForCreate(t *testing.T) {
	sc := &script{steps: []step{{status: 201, body: serverJSON}}}
	failing := &dialFailing{failures: 2, next: http.DefaultTransport}
	c, sl := serve(t, sc, api.WithHTTPClient(&http.Client{Transport: failing}))
	s, err := c.CreateServer(context.Background(), api.CreateRequest{Name: "web-1", PlanID: 1, OSID: 5, Location: "us-west"})
	if err != nil {
		t.Fatalf("CreateServer: %v", err)
	}
	if s.ID != 12345 {
		t.Errorf("ID = %d", s.ID)
	}
	if n := len(sc.requests()); n != 1 {
		t.Errorf("server saw %d creates, want 1", n)
	}
	if n := c.RequestCount(); n != 3 {
		t.Errorf("RequestCount = %d, want 3 (two dial failures and one success)", n)
	}
	if len(sl.all()) != 2 {
		t.Errorf("waits = %v, want two", sl.all())
	}
}

func TestRequestTimeout(t *testing.T) {
	var blocked atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if blocked.Add(1) <= 2 {
			<-r.Context().Done()
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(serverJSON))
	})
	tests := []struct {
		name    string
		op      op
		wantErr bool
	}{
		{"GET retried after timeouts", opGet, false},
		{"create not re-sent after a timeout", opCreate, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blocked.Store(0)
			c, _ := inProcess(t, h, api.WithRequestTimeout(20*time.Millisecond))
			err := tt.op(context.Background(), c)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.wantErr && !api.IsOutcomeUnknown(err) {
				t.Errorf("timeout after sending a create must be OutcomeUnknown: %v", err)
			}
		})
	}
}

func TestContextCancelledWhileWaitingForAnswer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cancel()
		select {} // never answers; the client must return anyway
	})
	c, _ := inProcess(t, h)
	err := opGet(ctx, c)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if c.RequestCount() != 1 {
		t.Errorf("RequestCount = %d, want 1", c.RequestCount())
	}
}

func TestContextCancelledWhileWaitingToRetry(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	sc := &script{steps: []step{{status: 503}}}
	cancelling := func(ctx context.Context, d time.Duration) error {
		cancel()
		return ctx.Err()
	}
	c, _ := serve(t, sc, api.WithSleep(cancelling))
	err := opGet(ctx, c)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	var e *api.Error
	if !errors.As(err, &e) || e.Status != 503 {
		t.Errorf("the last API error should be kept: %v", err)
	}
	if len(sc.requests()) != 1 {
		t.Errorf("sent %d requests, want 1", len(sc.requests()))
	}
}

func TestRetryBudget(t *testing.T) {
	sc := &script{steps: []step{{status: 503, body: `{"detail": "down"}`}}}
	c, _ := serve(t, sc, api.WithRetryBudget(3))
	err := opGet(context.Background(), c)
	if !errors.Is(err, api.ErrRetryBudgetExhausted) {
		t.Fatalf("err = %v, want ErrRetryBudgetExhausted", err)
	}
	var e *api.Error
	if !errors.As(err, &e) || e.Status != 503 || e.Attempts != 4 {
		t.Errorf("want the last 503 after 4 attempts wrapped, got %v", err)
	}
	if want := "kept failing"; !contains(err.Error(), want) {
		t.Errorf("message %q does not say the API %s", err, want)
	}
	// The budget is shared: the next request is not retried at all.
	err = opGet(context.Background(), c)
	if !errors.Is(err, api.ErrRetryBudgetExhausted) || !errors.As(err, &e) || e.Attempts != 1 {
		t.Errorf("second request: %v", err)
	}
	if n := len(sc.requests()); n != 5 {
		t.Errorf("server saw %d requests, want 5", n)
	}
}

func TestRetryBudgetSharedConcurrently(t *testing.T) {
	sc := &script{steps: []step{{status: 503}}}
	c, _ := serve(t, sc, api.WithRetryBudget(10), api.WithMaxRetries(100))
	const workers = 8
	errs := make(chan error, workers)
	for range workers {
		go func() { errs <- opGet(context.Background(), c) }()
	}
	for range workers {
		if err := <-errs; !errors.Is(err, api.ErrRetryBudgetExhausted) {
			t.Errorf("err = %v, want ErrRetryBudgetExhausted", err)
		}
	}
	if n := c.RequestCount(); n != workers+10 {
		t.Errorf("RequestCount = %d, want %d (one each plus the budget of 10)", n, workers+10)
	}
}

// dialFailing fails its first failures round trips as a dial error would,
// before anything is sent, then delegates to next.
type dialFailing struct {
	failures int
	next     http.RoundTripper
}

func (d *dialFailing) RoundTrip(r *http.Request) (*http.Response, error) {
	if d.failures > 0 {
		d.failures--
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	}
	return d.next.RoundTrip(r)
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// statusIs checks that err wraps an *api.Error of the given status.
func statusIs(status int) func(error) bool {
	return func(err error) bool {
		var e *api.Error
		return errors.As(err, &e) && e.Status == status
	}
}

// ms is a list of waits in milliseconds.
func ms(n ...int) []time.Duration {
	out := make([]time.Duration, len(n))
	for i, v := range n {
		out[i] = time.Duration(v) * time.Millisecond
	}
	return out
}
