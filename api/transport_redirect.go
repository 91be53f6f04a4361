package api

import "net/http"

// redirectLocation is the header a redirect's Location is moved to by
// redirectGuard, for answerError to report.
const redirectLocation = "X-Vpsfleet-Redirect-Location"

// redirectGuard is an http.RoundTripper that moves the Location header of
// a redirect answer to redirectLocation before http.Client sees it.
// http.Client parses a redirect's Location before it asks CheckRedirect
// whether to follow it, and a Location that does not parse fails the
// request with an error quoting it whole: text the server controls, which
// may hold the token. The client never follows redirects; answerError
// reports the target, redacted.
type redirectGuard struct {
	next http.RoundTripper // nil: http.DefaultTransport
}

// RoundTrip sends req through the next transport and hides the Location
// of a 3xx answer.
func (g redirectGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	next := g.next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(req)
	if err != nil || resp.StatusCode < 300 || resp.StatusCode >= 400 {
		return resp, err
	}
	if loc := resp.Header.Values("Location"); len(loc) > 0 {
		resp.Header = resp.Header.Clone()
		resp.Header.Del("Location")
		resp.Header.Set(redirectLocation, loc[0])
	}
	return resp, nil
}
