package api

import (
	"net"
	"net/http"
	"time"
)

// DefaultDialTimeout bounds how long the default transport tries to open a
// TCP connection to the API. A refused connection fails at once; this
// bounds a host that drops connection attempts silently.
const DefaultDialTimeout = 5 * time.Second

// spareConns is how many connections per host the default transport
// keeps beyond the caller's parallelism.
const spareConns = 2

// newDefaultTransport is the transport of a client given no WithHTTPClient
// and no WithHandler: http.DefaultTransport's settings (proxy from the
// environment, HTTP/2, TLS handshake timeout), dialling within
// DefaultDialTimeout, with a connection pool sized for parallelism
// requests in flight. Each client has its own, so its connections are its
// own.
//
// http.DefaultTransport keeps 2 idle connections per host: with 10
// requests in flight, every answer beyond the second closed its
// connection and the next request dialled a new one (478 connections for
// one no-op plan of 10,000 servers). Here up to parallelism+spareConns
// connections per host are kept idle, and no more are opened, so each is
// reused for the whole run.
func newDefaultTransport(parallelism int) *http.Transport {
	t, ok := http.DefaultTransport.(*http.Transport)
	if ok {
		t = t.Clone()
	} else {
		// A program replaced http.DefaultTransport: start from the
		// standard settings instead of copying an unknown transport.
		t = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
		}
	}
	dialer := &net.Dialer{Timeout: DefaultDialTimeout, KeepAlive: 30 * time.Second}
	t.DialContext = dialer.DialContext
	conns := parallelism + spareConns
	t.MaxConnsPerHost = conns
	t.MaxIdleConnsPerHost = conns
	t.MaxIdleConns = max(t.MaxIdleConns, conns)
	return t
}
