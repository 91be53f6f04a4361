package api_test

import (
	"context"
	"fmt"
	"net"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/vpsfleet/vpsfleet/api"
)

// countingListener counts the connections it accepts.
type countingListener struct {
	net.Listener
	accepted atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err == nil {
		l.accepted.Add(1)
	}
	return conn, err
}

// serveCounting starts h over HTTP on a listener that counts connections.
func serveCounting(t *testing.T, sc *script) (string, *countingListener) {
	t.Helper()
	srv := httptest.NewUnstartedServer(sc)
	ln := &countingListener{Listener: srv.Listener}
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL, ln
}

// TestConnectionsReusedAtParallelism: many goroutines send many requests,
// at most p in flight at once; the client opens at most p+2 connections
// in all, whatever the scheduling.
func TestConnectionsReusedAtParallelism(t *testing.T) {
	tests := []struct {
		parallelism int
		opts        []api.Option
	}{
		{api.DefaultParallelism, nil},
		{3, []api.Option{api.WithParallelism(3)}},
		{25, []api.Option{api.WithParallelism(25)}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("parallelism %d", tt.parallelism), func(t *testing.T) {
			const requests = 1500
			sc := &script{steps: []step{{status: 200, body: serverJSON}}}
			url, ln := serveCounting(t, sc)
			c, err := api.New(url, testToken, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			slots := make(chan struct{}, tt.parallelism)
			var next atomic.Int64
			var wg sync.WaitGroup
			var failed atomic.Int64
			for range 4 * tt.parallelism {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= requests {
						slots <- struct{}{}
						if _, err := c.GetServer(context.Background(), 12345); err != nil {
							failed.Add(1)
						}
						<-slots
					}
				}()
			}
			wg.Wait()
			if n := failed.Load(); n > 0 {
				t.Fatalf("%d requests failed", n)
			}
			if n := len(sc.requests()); n != requests {
				t.Fatalf("the server saw %d requests, want %d", n, requests)
			}
			t.Logf("%d connections for %d requests at parallelism %d", ln.accepted.Load(), requests, tt.parallelism)
			if n := ln.accepted.Load(); n > int64(tt.parallelism+2) {
				t.Errorf("%d connections for %d requests at parallelism %d, want at most %d", n, requests, tt.parallelism, tt.parallelism+2)
			}
		})
	}
}

func TestWithParallelismRefusesNonPositive(t *testing.T) {
	for _, n := range []int{0, -1} {
		if _, err := api.New("", "t0ken", api.WithParallelism(n)); err == nil {
			t.Errorf("WithParallelism(%d) accepted", n)
		}
	}
}
