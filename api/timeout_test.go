package api_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
)

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestRefusedConnectionFailsFast: nothing listens at the endpoint. The
// client retries a few times, briefly, whatever backoff it was given: the
// waits it plans add up to a few seconds at most (they are recorded, not
// slept).
func TestRefusedConnectionFailsFast(t *testing.T) {
	tests := []struct {
		name    string
		backoff func(int) time.Duration // nil: the default
	}{
		{"default backoff", nil},
		{"a long backoff", func(int) time.Duration { return 20 * time.Second }},
	}
	for _, tt := range tests {
		for _, o := range []struct {
			name string
			op   op
		}{{"get", opGet}, {"list", opList}, {"create", opCreate}, {"start", opStart}} {
			t.Run(tt.name+"/"+o.name, func(t *testing.T) {
				sl := &sleeps{}
				opts := []api.Option{api.WithSleep(sl.sleep)}
				if tt.backoff != nil {
					opts = append(opts, api.WithBackoff(tt.backoff))
				}
				c, err := api.New("http://"+closedAddr(t), testToken, opts...)
				if err != nil {
					t.Fatal(err)
				}
				err = o.op(context.Background(), c)
				var e *api.Error
				if !errors.As(err, &e) || e.Status != 0 || e.OutcomeUnknown {
					t.Fatalf("err = %v, want a connection failure with nothing sent", err)
				}
				if !strings.Contains(err.Error(), "connection refused") {
					t.Errorf("err = %v, want it to say the connection was refused", err)
				}
				var total time.Duration
				for _, w := range sl.all() {
					total += w
				}
				if total > 2*time.Second {
					t.Errorf("planned waits %v add up to %v, want at most 2s", sl.all(), total)
				}
				if n := c.RequestCount(); n < 2 || n > 4 {
					t.Errorf("%d attempts, want a few (2 to 4)", n)
				}
			})
		}
	}
}

// TestHungServerTimesOut: a server that accepts connections and never
// answers costs one request timeout per attempt, and the error says it
// timed out and after how long.
func TestHungServerTimesOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns := make(chan net.Conn, 16)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conns <- conn // read nothing, answer nothing
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		for {
			select {
			case conn := <-conns:
				conn.Close()
			default:
				return
			}
		}
	})
	sl := &sleeps{}
	c, err := api.New("http://"+ln.Addr().String(), testToken,
		api.WithRequestTimeout(50*time.Millisecond), api.WithMaxRetries(1), api.WithSleep(sl.sleep), api.WithBackoff(stepBackoff))
	if err != nil {
		t.Fatal(err)
	}
	err = opGet(context.Background(), c)
	var e *api.Error
	if !errors.As(err, &e) || e.Status != 0 || e.Attempts != 2 {
		t.Fatalf("err = %#v, want no answer after 2 attempts", err)
	}
	if !strings.Contains(err.Error(), "timed out after 50ms") {
		t.Errorf("err = %v, want it to say it timed out after 50ms", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v does not match context.DeadlineExceeded", err)
	}
}

// stallingBody is an answer body that never delivers a byte, whatever the
// request's context says, until it is closed.
type stallingBody struct{ closed chan struct{} }

func (b *stallingBody) Read([]byte) (int, error) {
	<-b.closed
	return 0, errors.New("read on a closed body")
}

func (b *stallingBody) Close() error {
	select {
	case <-b.closed:
	default:
		close(b.closed)
	}
	return nil
}

// stallingTransport answers 200 at once with a stallingBody: a transport
// whose body does not watch the request's context.
type stallingTransport struct{}

func (stallingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: &stallingBody{closed: make(chan struct{})}, Request: r}, nil
}

// TestRequestTimeoutBoundsTheBody: the per-request timeout covers reading
// the answer's body too, whatever the transport.
func TestRequestTimeoutBoundsTheBody(t *testing.T) {
	c, err := api.New("http://127.0.0.1:1", testToken, api.WithHTTPClient(&http.Client{Transport: stallingTransport{}}),
		api.WithRequestTimeout(30*time.Millisecond), api.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	err = opGet(context.Background(), c)
	if err == nil || !strings.Contains(err.Error(), "timed out after 30ms") {
		t.Fatalf("err = %v, want a timeout while reading the body", err)
	}
}

// TestStalledBodyTimesOut: a server that sends its headers and part of
// the body, then stalls, costs one request timeout, over HTTP and
// in-process.
func TestStalledBodyTimesOut(t *testing.T) {
	stall := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(200)
		io.WriteString(w, `{"id": 12345, `)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			var c *api.Client
			opts := []api.Option{api.WithRequestTimeout(50 * time.Millisecond), api.WithMaxRetries(0)}
			if tr.inProc {
				c, _ = inProcess(t, stall, opts...)
			} else {
				c, _ = serve(t, stall, opts...)
			}
			err := opGet(context.Background(), c)
			if err == nil || !strings.Contains(err.Error(), "timed out after 50ms") {
				t.Fatalf("err = %v, want a timeout after 50ms", err)
			}
		})
	}
}
