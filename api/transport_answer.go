package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// success reports whether status is a 2xx answer.
func success(status int) bool { return status >= 200 && status < 300 }

// answerError turns a non-success answer into an *Error: the DRF body's
// detail and field messages (with the token removed by red, should the
// server echo it, before anything is cut), and the Retry-After wait if the
// answer carries one.
func answerError(c *call, r *reply, red *redactor, now time.Time) *Error {
	body := decodeErrorBody(red, r.header.Get("Content-Type"), r.body)
	e := &Error{
		Status: r.status,
		Method: c.method,
		Path:   c.path(),
		Detail: body.Detail,
		Fields: body.Fields,
		sent:   true,
	}
	if r.status >= 300 && r.status < 400 {
		e.final = true
		if loc := r.header.Get(redirectLocation); loc != "" {
			e.Detail = strings.TrimSpace(e.Detail + " unexpected redirect to " + red.quoteURL(loc) + "; check the endpoint URL")
		}
	}
	if d, ok := parseRetryAfter(r.header.Get("Retry-After"), now); ok {
		e.retryAfter, e.hasRetryAfter = d, true
	}
	return e
}

// maxRetryAfter caps the wait a Retry-After may ask for, so a broken header
// cannot park the client for days.
const maxRetryAfter = 10 * time.Minute

// parseRetryAfter reads a Retry-After value: delay seconds or an HTTP date.
// A date in the past means no wait. ok is false when v is absent or
// malformed.
func parseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(secs) * time.Second, true
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
		if secs > maxRetryAfter.Seconds() {
			return maxRetryAfter, true
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return min(max(at.Sub(now), 0), maxRetryAfter), true
}
