package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync/atomic"
	"syscall"
	"time"
)

// The client's transport is a chain of small layers, bottom up:
//
//	redirectGuard  keeps a redirect's Location from http.Client (transport_redirect.go)
//	sender   one HTTP attempt: headers, per-attempt timeout, size-limited
//	         body; knows whether the request was sent (transport_send.go)
//	answer   turns a non-success answer into an *Error (transport_answer.go)
//	retrier  retries what is safe, waits, spends the budget (transport_retry.go)
//	Client   encodes the request and decodes the success body (servers.go)
//
// Every *Error a layer makes from what the server sent passes through the
// client's redactor (redact.go) before it leaves the layer.

// callKind says what retrying a request may do to the account.
type callKind int

const (
	// kindRead is a GET: it changes nothing and may always be retried.
	kindRead callKind = iota
	// kindWrite is a PUT or PATCH: sending it twice is harmless.
	kindWrite
	// kindDelete is a DELETE: harmless twice, and a 404 after an attempt
	// whose outcome is unknown means the earlier attempt deleted it.
	kindDelete
	// kindCreate is POST /servers/: never re-sent once sent, as a second
	// send could make a second server.
	kindCreate
	// kindAction is POST start/stop/reboot: never re-sent once sent.
	kindAction
)

// mutates reports whether a request of this kind may change the account.
func (k callKind) mutates() bool { return k != kindRead }

// call is one API request as the layers see it.
type call struct {
	method string
	url    *url.URL
	body   []byte // nil: no body
	kind   callKind
}

// path is the request's path and query, as shown in errors.
func (c *call) path() string { return c.url.RequestURI() }

// reply is an answer read in full.
type reply struct {
	status int
	header http.Header
	body   []byte
	// attempts is how many times the request was sent to get this
	// answer; the retrier sets it.
	attempts int
}

// sender is the bottom layer: it sends one attempt and reads its answer.
type sender struct {
	httpClient *http.Client
	// header is every request's headers but Authorization (Content-Type,
	// Accept, User-Agent), copied into each request; bearer is the
	// Authorization value.
	header http.Header
	bearer secret
	// watchBody closes an answer's body when the attempt's deadline
	// passes, for a transport (given with WithHTTPClient) whose body may
	// not watch the request's context; the client's own transports do.
	watchBody bool
	redactor  *redactor
	timeout   time.Duration
	maxBody   int64
	count     *atomic.Int64
}

// newSender returns the sender of a client with these settings.
func newSender(hc *http.Client, token secret, userAgent string, watchBody bool, r *redactor, timeout time.Duration, maxBody int64, count *atomic.Int64) *sender {
	return &sender{
		httpClient: hc,
		header: http.Header{
			"Content-Type": {"application/json"},
			"Accept":       {"application/json"},
			"User-Agent":   {userAgent},
		},
		bearer:    "Bearer " + token,
		watchBody: watchBody,
		redactor:  r,
		timeout:   timeout,
		maxBody:   maxBody,
		count:     count,
	}
}

// send makes one attempt. On a transport failure it returns an *Error with
// Status 0 whose sent field says whether the request may have reached the
// server (tracked only for requests that may change the account: a read
// is retried either way); an answer too large to read is an *Error with
// the answer's status. Any status is returned as a reply: judging it is
// the next layer's job.
func (s *sender) send(ctx context.Context, c *call) (*reply, *Error) {
	actx, cancel := context.WithTimeout(ctx, s.timeout)
	done := false
	defer func() {
		if !done {
			cancel()
			return
		}
		// Go's transport hands a connection back to its pool only once it
		// has seen the body end; if the request's context ends in that
		// instant it closes the connection instead, and the next request
		// dials a new one (seen under load: 14 connections where 12 may
		// be open). After a success the attempt's context is released a
		// moment later, when the connection is back in the pool.
		time.AfterFunc(releaseDelay, cancel)
	}()
	var sent atomic.Bool
	if c.kind.mutates() {
		actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{
			WroteHeaders: func() { sent.Store(true) },
		})
	}
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	// The request is built on a copy of the call's URL rather than from
	// its text, which would only be parsed again.
	req, err := http.NewRequestWithContext(actx, c.method, "", body)
	if err != nil {
		return nil, &Error{Method: c.method, Path: c.path(), Detail: "could not build the request: " + err.Error(), Err: err, final: true}
	}
	u := *c.url
	req.URL, req.Host = &u, u.Host
	req.Header = s.header.Clone()
	req.Header["Authorization"] = []string{string(s.bearer)}

	s.count.Add(1)
	resp, err := s.httpClient.Do(req)
	if err != nil {
		return nil, s.failure(ctx, actx, c, err, sent.Load())
	}
	defer resp.Body.Close()
	if s.watchBody {
		// The attempt's deadline covers the body too: a transport whose
		// body does not watch the request's context is unblocked by
		// closing it.
		stop := context.AfterFunc(actx, func() { resp.Body.Close() })
		defer stop()
	}
	data, err := readLimited(resp.Body, resp.ContentLength, s.maxBody)
	if errors.Is(err, errTooLarge) {
		return nil, &Error{
			Status: resp.StatusCode, Method: c.method, Path: c.path(), Err: err, final: true,
			Detail: fmt.Sprintf("answer larger than the %d-byte limit; raise it with WithMaxBodyBytes if the account is that large", s.maxBody),
		}
	}
	if err != nil {
		return nil, s.failure(ctx, actx, c, err, true)
	}
	done = true
	return &reply{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// releaseDelay is how long after a successful attempt its context is
// released (see send).
const releaseDelay = 50 * time.Millisecond

// failure describes a transport error. The caller's own cancellation is
// reported as such; the attempt's timeout as a timeout.
func (s *sender) failure(ctx, actx context.Context, c *call, err error, sent bool) *Error {
	e := &Error{Method: c.method, Path: c.path(), Err: err, sent: sent}
	var uerr *url.Error
	cause := err
	if errors.As(err, &uerr) {
		cause = uerr.Err
	}
	switch {
	case ctx.Err() != nil:
		e.Detail = "stopped: " + ctx.Err().Error()
		e.Err = ctx.Err()
		e.final = true
	case errors.Is(actx.Err(), context.DeadlineExceeded):
		e.Detail = fmt.Sprintf("timed out after %s (the per-request timeout)", s.timeout)
		e.Err = fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
		e.connect = !sent && isConnectFailure(cause)
	case !sent && isConnectFailure(cause):
		e.Detail = cause.Error()
		e.connect = true
	case errors.Is(cause, io.EOF) || errors.Is(cause, io.ErrUnexpectedEOF):
		e.Detail = "the connection closed before the whole answer arrived"
	default:
		e.Detail = cause.Error()
	}
	return s.redactor.scrub(e)
}

// isConnectFailure reports whether err is a failure to reach the server
// at all: the connection was refused, the host name does not resolve, or
// dialling failed or timed out. Nothing was sent.
func isConnectFailure(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns) || errors.Is(err, syscall.ECONNREFUSED)
}

// errTooLarge is returned by readLimited when the body exceeds the limit.
var errTooLarge = errors.New("answer body too large")

// errLongerThanAnnounced is returned by readLimited when a body goes on
// past its Content-Length (only a broken transport delivers that).
var errLongerThanAnnounced = errors.New("the answer is longer than its Content-Length")

// readLimited reads r to its end, failing with errTooLarge past limit
// bytes. size is the length the answer announced (-1: unknown); when it
// is known and within the limit, the body is read into a buffer of that
// size at once.
func readLimited(r io.Reader, size, limit int64) ([]byte, error) {
	if size > limit {
		return nil, errTooLarge
	}
	if size >= 0 {
		data := make([]byte, size)
		if _, err := io.ReadFull(r, data); err != nil {
			return nil, err
		}
		// Read on to the end, so that the connection can be reused.
		var one [1]byte
		n, err := r.Read(one[:])
		if n > 0 {
			return nil, errLongerThanAnnounced
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		return data, nil
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errTooLarge
	}
	return data, nil
}
