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

// newDefaultTransport is the transport of a client given no WithHTTPClient
// and no WithHandler: http.DefaultTransport's settings (proxy from the
// environment, HTTP/2, TLS handshake timeout), dialling within
// DefaultDialTimeout. Each client has its own, so its connections are its
// own.
func newDefaultTransport() *http.Transport {
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
	return t
}
