package sandbox

import (
	"strconv"
	"strings"
)

// routeKind identifies which endpoint a path names.
type routeKind int

const (
	routeUnknown        routeKind = iota
	routeList                     // /api/v1/servers/
	routeDetail                   // /api/v1/servers/{id}/
	routeAction                   // /api/v1/servers/{id}/{start,stop,reboot}/
	routeSandboxSuspend           // /_sandbox/servers/{id}/{suspend,unsuspend}/
	routeSandboxStats             // /_sandbox/stats
)

// route is a parsed request path.
type route struct {
	kind     routeKind
	id       int64  // detail, action and suspend routes
	action   string // "start", "stop", "reboot", "suspend", "unsuspend"
	template string // e.g. "/api/v1/servers/{id}/start/"; "" when unknown
	allow    string // the Allow header: methods the route answers
}

// Allow headers, in the order the framework lists them.
const (
	allowList    = "GET, POST, HEAD, OPTIONS"
	allowDetail  = "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"
	allowAction  = "POST, OPTIONS"
	allowStats   = "GET, HEAD"
	allowSandbox = "POST"
)

const (
	apiPrefix     = "/api/"
	serversPrefix = "/api/v1/servers/"
	sandboxPrefix = "/_sandbox/"
)

// parseRoute matches a request path against the routes the account
// serves. Paths must end in a slash exactly as the API documents (except
// /_sandbox/stats); ids are positive decimal integers.
func parseRoute(path string) route {
	switch {
	case path == "/_sandbox/stats" || path == "/_sandbox/stats/":
		return route{kind: routeSandboxStats, template: "/_sandbox/stats", allow: allowStats}
	case strings.HasPrefix(path, "/_sandbox/servers/"):
		id, rest, ok := splitID(strings.TrimPrefix(path, "/_sandbox/servers/"))
		if ok && (rest == "suspend/" || rest == "unsuspend/") {
			action := strings.TrimSuffix(rest, "/")
			return route{kind: routeSandboxSuspend, id: id, action: action,
				template: "/_sandbox/servers/{id}/" + rest, allow: allowSandbox}
		}
	case path == serversPrefix:
		return route{kind: routeList, template: serversPrefix, allow: allowList}
	case strings.HasPrefix(path, serversPrefix):
		id, rest, ok := splitID(strings.TrimPrefix(path, serversPrefix))
		if !ok {
			break
		}
		switch rest {
		case "":
			return route{kind: routeDetail, id: id, template: serversPrefix + "{id}/", allow: allowDetail}
		case "start/", "stop/", "reboot/":
			return route{kind: routeAction, id: id, action: strings.TrimSuffix(rest, "/"),
				template: serversPrefix + "{id}/" + rest, allow: allowAction}
		}
	}
	return route{kind: routeUnknown}
}

// splitID splits "123/rest" into 123 and "rest". It fails unless the
// segment is a positive decimal integer followed by a slash.
func splitID(s string) (id int64, rest string, ok bool) {
	seg, rest, found := strings.Cut(s, "/")
	if !found || seg == "" || len(seg) > 18 {
		return 0, "", false
	}
	for _, c := range seg {
		if c < '0' || c > '9' {
			return 0, "", false
		}
	}
	id, err := strconv.ParseInt(seg, 10, 64)
	if err != nil || id <= 0 {
		return 0, "", false
	}
	return id, rest, true
}

// isSandbox reports whether the route is one of the provider-side
// /_sandbox routes, which need no token and suffer no faults.
func (rt route) isSandbox() bool {
	return rt.kind == routeSandboxSuspend || rt.kind == routeSandboxStats
}
