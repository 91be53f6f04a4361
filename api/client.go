package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultEndpoint is the VPS.org API used when New is given "".
const DefaultEndpoint = "https://admin.vps.org"

// Version is this client's version, sent in the default User-Agent
// ("vpsfleet/" + Version).
const Version = "0.2.0"

// Defaults of the options; see the With* functions.
const (
	DefaultRequestTimeout       = 30 * time.Second
	DefaultMaxRetries           = 5
	DefaultRetryBudget          = 100
	DefaultMaxBodyBytes   int64 = 10 << 20
	DefaultParallelism          = 10
)

// Client is a VPS.org API client. It is safe for concurrent use; every
// request of one Client shares its retry budget and request counter.
//
// Printing a Client with any fmt verb shows its endpoint, never its token.
type Client struct {
	endpoint *url.URL
	token    secret
	redactor *redactor // removes the token from server text

	httpClient *http.Client
	handler    http.Handler
	timeout    time.Duration
	userAgent  string
	maxBody    int64
	maxRetries int
	budgetSize int
	backoff    func(retry int) time.Duration
	sleep      func(ctx context.Context, d time.Duration) error
	now        func() time.Time
	maxListed  int // servers one ListServers call may receive
	// parallelism is the caller's requests in flight, which sizes the
	// default transport's connection pool.
	parallelism int

	requests atomic.Int64
	budget   *retryBudget
	send     *sender
	retry    *retrier

	optErrs []error
}

// New returns a client of the API at endpoint ("" means DefaultEndpoint)
// that authenticates with token.
//
// It refuses an empty token, an endpoint that is not an http(s) URL, and a
// plain http:// endpoint unless its host is loopback (localhost,
// 127.0.0.0/8, ::1) or WithHandler serves the requests in-process. Invalid
// option values are refused too. The returned error never contains the
// token.
func New(endpoint, token string, opts ...Option) (*Client, error) {
	c := &Client{
		token:      secret(token),
		timeout:    DefaultRequestTimeout,
		userAgent:  "vpsfleet/" + Version,
		maxBody:    DefaultMaxBodyBytes,
		maxRetries: DefaultMaxRetries,
		budgetSize: DefaultRetryBudget,
		backoff:    DefaultBackoff,
		sleep:      sleepContext,
		now:        time.Now,
		maxListed:  defaultMaxListed,

		parallelism: DefaultParallelism,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(c)
		}
	}
	if len(c.optErrs) > 0 {
		return nil, fmt.Errorf("api client: %w", errors.Join(c.optErrs...))
	}
	if strings.TrimSpace(token) == "" {
		return nil, errors.New("api client: no API token: set VPSORG_TOKEN (or pass -token) to a token from the VPS.org control panel")
	}
	if strings.ContainsAny(token, "\r\n\x00") {
		return nil, errors.New("api client: the API token contains a line break or NUL byte; check how it was copied (the token is not shown)")
	}
	c.redactor = newRedactor(token)
	u, err := parseEndpoint(endpoint, c.handler != nil)
	if err != nil {
		// The endpoint was refused; should the token be in it, the reason
		// must not show it.
		return nil, errors.New("api client: " + c.redactor.redact(err.Error()))
	}
	c.endpoint = u
	// A transport the client did not make may ignore the request's
	// context while its body is read.
	watchBody := c.httpClient != nil && c.handler == nil
	c.httpClient = c.buildHTTPClient()
	c.budget = newRetryBudget(c.budgetSize)
	c.send = newSender(c.httpClient, c.token, c.userAgent, watchBody, c.redactor, c.timeout, c.maxBody, &c.requests)
	c.retry = &retrier{
		maxRetries: c.maxRetries,
		budget:     c.budget,
		backoff:    c.backoff,
		sleep:      c.sleep,
	}
	return c, nil
}

// buildHTTPClient copies the configured http.Client (so the caller's is
// never modified; without one, the client's own default transport is
// used), routes it through the handler if one is set, and makes it return
// redirects instead of following them: the API does not redirect, and
// following one could drop the method or the body. The redirect's
// Location is kept away from http.Client (see redirectGuard).
func (c *Client) buildHTTPClient() *http.Client {
	hc := &http.Client{}
	if c.httpClient != nil {
		copied := *c.httpClient
		hc = &copied
	}
	switch {
	case c.handler != nil:
		hc.Transport = handlerTransport{handler: c.handler}
	case c.httpClient == nil:
		hc.Transport = newDefaultTransport(c.parallelism)
	}
	hc.Transport = redirectGuard{next: hc.Transport}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return hc
}

// Endpoint returns the API's base URL as the client uses it, without a
// trailing slash.
func (c *Client) Endpoint() string { return c.endpoint.String() }

// RequestCount returns how many HTTP attempts the client has sent so far,
// retries included.
func (c *Client) RequestCount() int64 { return c.requests.Load() }

// String describes the client by its endpoint; the token is never shown.
func (c *Client) String() string {
	if c == nil || c.endpoint == nil {
		return "api.Client(<nil>)"
	}
	return fmt.Sprintf("api.Client(%s)", c.endpoint)
}

// GoString is String: %#v shows no token either.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb, so %v, %+v and %#v never show the
// token.
func (c *Client) Format(f fmt.State, verb rune) { fmt.Fprint(f, c.String()) }

// secret is the API token. It prints as [redacted] with every fmt verb.
type secret string

const redacted = "[redacted]"

// String hides the token.
func (secret) String() string { return redacted }

// GoString hides the token.
func (secret) GoString() string { return redacted }

// Format hides the token for every verb.
func (secret) Format(f fmt.State, verb rune) { fmt.Fprint(f, redacted) }

// redact removes the token from text the API sent back (a server echoing
// the Authorization header must not leak it into an error); see redactor.
func (s secret) redact(text string) string { return newRedactor(string(s)).redact(text) }
