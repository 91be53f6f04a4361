package sandbox

import (
	"net/http"
	"strconv"
)

// faultKind is how an injected fault answers a request.
type faultKind int

const (
	faultNone  faultKind = iota
	fault500             // the application crashed: the framework's HTML page
	fault502             // the proxy lost the application: an HTML page
	fault503             // overloaded: a JSON detail and Retry-After
	faultReset           // the connection closes unanswered
)

// fault is the decision taken for one request before it takes effect.
type fault struct {
	kind faultKind
	// drop: a create is to be committed and its answer lost.
	drop bool
}

// decideFaultLocked rolls the seeded dice for one /api request: whether
// it fails (FaultRate) and, for a create that does not fail, whether its
// answer is to be dropped (DropRate).
func (a *Account) decideFaultLocked(method string, rt route) fault {
	var f fault
	if a.opts.FaultRate > 0 && a.rng.Float64() < a.opts.FaultRate {
		f.kind = faultKind(1 + a.rng.IntN(4))
		return f
	}
	if rt.kind == routeList && method == http.MethodPost && a.opts.DropRate > 0 {
		f.drop = a.rng.Float64() < a.opts.DropRate
	}
	return f
}

// serve answers the request as the fault dictates. A reset panics with
// http.ErrAbortHandler, which the HTTP server turns into a closed
// connection.
func (f fault) serve(w http.ResponseWriter) {
	switch f.kind {
	case fault500:
		writeHTML(w, http.StatusInternalServerError,
			"<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n")
	case fault502:
		writeHTML(w, http.StatusBadGateway,
			"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
	case fault503:
		w.Header().Set("Retry-After", strconv.Itoa(1))
		writeDetail(w, http.StatusServiceUnavailable, "Service temporarily unavailable, try again later.")
	case faultReset:
		panic(http.ErrAbortHandler)
	}
}
