package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Option configures a Client in New. An option given an invalid value
// makes New fail with an error naming it.
type Option func(*Client)

func (c *Client) refuse(format string, args ...any) {
	c.optErrs = append(c.optErrs, fmt.Errorf(format, args...))
}

// WithHTTPClient sends requests through a copy of hc (its Transport,
// Jar, Timeout). The copy never follows redirects. hc's Transport is used
// as it is (nil means http.DefaultTransport): DefaultDialTimeout and
// WithParallelism apply only to the client's own default transport. hc
// must not be nil.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc == nil {
			c.refuse("WithHTTPClient: the http.Client is nil; pass one or leave the option out")
			return
		}
		c.httpClient = hc
	}
}

// WithHandler serves every request in-process through h, with no network:
// the endpoint may then be any http(s) URL, e.g. "http://sandbox". If h
// panics with http.ErrAbortHandler (a connection closed unanswered), the
// request fails exactly as if the connection were reset after the request
// was sent. h must not be nil.
func WithHandler(h http.Handler) Option {
	return func(c *Client) {
		if h == nil {
			c.refuse("WithHandler: the handler is nil")
			return
		}
		c.handler = h
	}
}

// WithRequestTimeout bounds each attempt to d: connecting, sending the
// request and reading its whole answer, body included, whatever the
// transport; the default is DefaultRequestTimeout. d must be positive.
//
// An attempt that times out fails with an error saying "timed out after
// d" (errors.Is context.DeadlineExceeded). It is retried like any failure
// after sending: a GET, PUT, PATCH or DELETE is sent again (so a hung API
// costs about (retries+1)·d plus the backoff before the call fails), a
// create or action never is (its error has OutcomeUnknown set). The
// caller's context still bounds the whole call, retries included.
func WithRequestTimeout(d time.Duration) Option {
	return func(c *Client) {
		if d <= 0 {
			c.refuse("WithRequestTimeout: the timeout must be positive, got %s", d)
			return
		}
		c.timeout = d
	}
}

// WithBackoff sets how long to wait before retry number retry (0 for the
// first retry); when the API answered with a Retry-After, the client waits
// that long plus this backoff, so throttled requests do not all return in
// the same instant. The default is DefaultBackoff. f must not be nil; a
// negative result means no wait beyond any Retry-After.
//
// When the API cannot be reached at all (connection refused, unknown
// host, dial timeout), a request is retried at most 3 times and each wait
// is capped at 250 ms, 500 ms and 1 s, whatever f and WithMaxRetries say:
// a refused connection fails within about 2 s.
func WithBackoff(f func(retry int) time.Duration) Option {
	return func(c *Client) {
		if f == nil {
			c.refuse("WithBackoff: the backoff function is nil")
			return
		}
		c.backoff = f
	}
}

// WithSleep sets how the client waits between attempts. f must return
// ctx.Err() when ctx ends before d has passed. Tests inject a function
// that records d and returns at once. f must not be nil.
func WithSleep(f func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) {
		if f == nil {
			c.refuse("WithSleep: the sleep function is nil")
			return
		}
		c.sleep = f
	}
}

// WithMaxRetries sets how many times one request may be retried (so it is
// sent at most n+1 times); the default is DefaultMaxRetries. n must not be
// negative; 0 disables retries.
func WithMaxRetries(n int) Option {
	return func(c *Client) {
		if n < 0 {
			c.refuse("WithMaxRetries: the number of retries must be 0 or more, got %d", n)
			return
		}
		c.maxRetries = n
	}
}

// WithRetryBudget sets how many retries all requests of the client may
// spend together; the default is DefaultRetryBudget. Each retry spends one,
// and each request answered with success earns one back (never more than
// n), so a long run against an API that fails now and then keeps retrying,
// while an API that keeps failing drains the budget. Once spent, a request
// that would be retried fails with an error wrapping
// ErrRetryBudgetExhausted. n must not be negative.
func WithRetryBudget(n int) Option {
	return func(c *Client) {
		if n < 0 {
			c.refuse("WithRetryBudget: the budget must be 0 or more, got %d", n)
			return
		}
		c.budgetSize = n
	}
}

// WithUserAgent sets the User-Agent header; the default is
// "vpsfleet/" + Version. s must be one non-empty line.
func WithUserAgent(s string) Option {
	return func(c *Client) {
		if strings.TrimSpace(s) == "" || strings.ContainsAny(s, "\r\n\x00") {
			c.refuse("WithUserAgent: the user agent must be one non-empty line, got %q", s)
			return
		}
		c.userAgent = s
	}
}

// WithMaxBodyBytes limits how many bytes of an answer are read; a larger
// answer is an error. The default is DefaultMaxBodyBytes. n must be
// positive.
func WithMaxBodyBytes(n int64) Option {
	return func(c *Client) {
		if n <= 0 {
			c.refuse("WithMaxBodyBytes: the limit must be positive, got %d", n)
			return
		}
		c.maxBody = n
	}
}

// WithParallelism tells the client that its caller keeps at most n
// requests in flight at once (the CLI's -parallelism). The client's
// default transport then keeps up to n+2 connections per host open, idle
// between requests rather than closed, and never opens more: the two
// spare ones absorb a request or two beyond n, and requests beyond n+2 at
// once wait for a free connection (within their request timeout). A run
// of any length thus opens at most n+2 connections to the API. The
// default is DefaultParallelism. n must be positive. It does not change a
// transport given with WithHTTPClient, and does not matter with
// WithHandler.
func WithParallelism(n int) Option {
	return func(c *Client) {
		if n <= 0 {
			c.refuse("WithParallelism: the number of requests in flight must be positive, got %d", n)
			return
		}
		c.parallelism = n
	}
}
