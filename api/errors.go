package api

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// ErrRetryBudgetExhausted is wrapped by the error a request returns when it
// could have been retried but the client-wide retry budget (WithRetryBudget)
// is spent: the API kept failing, and the client stops hammering it.
// Test for it with errors.Is.
var ErrRetryBudgetExhausted = errors.New("the API kept failing and the client's retry budget is spent; try again later")

// Error is a failed API request: either an answer with a non-success status
// or a transport failure (Status 0), or a success answer that could not be
// used. Its Error text is one line and never contains the API token; nor
// does any of its fields, whatever the server sent (see Detail).
type Error struct {
	// Status is the HTTP status; 0 when no answer was received.
	Status int
	// Detail is the API's "detail" message, a short description of a
	// non-JSON error body, or a description of the transport failure or
	// of what is wrong with a success answer. Text from the server has the
	// token (and any 8-character piece of it) replaced by "[redacted]",
	// and is cut short: at most 500 characters for the API's messages,
	// 120 for a description of a body.
	Detail string
	// Fields holds the per-field messages of a 400 answer, by field name,
	// redacted and cut like Detail; at most 50 fields are kept, and a
	// field named "…" then says how many more were not.
	Fields map[string][]string
	// Method and Path name the request, e.g. "POST", "/api/v1/servers/".
	// Path includes the query string, if any.
	Method, Path string
	// OutcomeUnknown reports that the request was sent but its answer was
	// lost or was a server error: it may have taken effect. A create with
	// an unknown outcome must be checked (list by name) before retrying.
	OutcomeUnknown bool
	// Attempts is how many times the request was sent (1 when it was not
	// retried); 0 when it was never sent.
	Attempts int
	// Err is the underlying cause (a transport error, a JSON syntax
	// error, ...), for errors.Is and errors.As; it may be nil.
	Err error

	// sent reports, for a transport failure, that the request may have
	// reached the server; connect, that the server could not be reached
	// at all (refused, no such host, dial timeout); final, that retrying
	// cannot help; retryAfter (when hasRetryAfter) is the wait the server
	// asked for.
	sent          bool
	connect       bool
	final         bool
	retryAfter    time.Duration
	hasRetryAfter bool
}

// Error returns one line: method, path, status and what the API said,
// e.g. `POST /api/v1/servers/: 400 Bad Request: name: This field is required.`
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: ", e.Method, e.Path)
	if e.Status == 0 {
		b.WriteString("no answer")
	} else {
		b.WriteString(statusLine(e.Status))
	}
	if msg := e.message(); msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	if e.OutcomeUnknown {
		b.WriteString(" (the request was sent and may have taken effect)")
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return oneLine(b.String())
}

// Unwrap returns the underlying cause, which may be nil.
func (e *Error) Unwrap() error { return e.Err }

// message is Detail and the field messages in a stable order.
func (e *Error) message() string {
	parts := make([]string, 0, 1+len(e.Fields))
	if e.Detail != "" {
		parts = append(parts, e.Detail)
	}
	names := make([]string, 0, len(e.Fields))
	for name := range e.Fields {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		parts = append(parts, name+": "+strings.Join(e.Fields[name], " "))
	}
	return strings.Join(parts, "; ")
}

// statusLine is "404 Not Found", or just the number for unknown codes.
func statusLine(status int) string {
	if text := http.StatusText(status); text != "" {
		return fmt.Sprintf("%d %s", status, text)
	}
	return fmt.Sprintf("%d", status)
}

// oneLine replaces line breaks so an error stays on one line.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// IsNotFound reports whether err is (or wraps) an API answer 404.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsUnauthorized reports whether err is (or wraps) an API answer 401: the
// token is missing, wrong or revoked.
func IsUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

// IsPaymentRequired reports whether err is (or wraps) an API answer 402:
// the account's credits cannot cover a create.
func IsPaymentRequired(err error) bool { return hasStatus(err, http.StatusPaymentRequired) }

// IsBadRequest reports whether err is (or wraps) an API answer 400: invalid
// fields (see Error.Fields) or an action the server's status refuses.
func IsBadRequest(err error) bool { return hasStatus(err, http.StatusBadRequest) }

// IsRateLimited reports whether err is (or wraps) an API answer 429 that
// retries did not get past.
func IsRateLimited(err error) bool { return hasStatus(err, http.StatusTooManyRequests) }

// IsOutcomeUnknown reports whether err is (or wraps) an *Error whose
// request was sent but whose answer was lost: it may have taken effect.
func IsOutcomeUnknown(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.OutcomeUnknown
}

func hasStatus(err error, status int) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == status
}
