package sandbox

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// serveAPI answers an /api request that suffered no fault, in the order
// the framework checks things: route, authentication, throttling, method.
func (a *Account) serveAPI(w http.ResponseWriter, r *http.Request, rt route, drop bool) {
	if rt.kind == routeUnknown {
		writeDetail(w, http.StatusNotFound, "Not found.")
		return
	}
	w.Header().Set("Allow", rt.allow)
	if detail := a.authenticate(r); detail != "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
		writeDetail(w, http.StatusUnauthorized, detail)
		return
	}
	a.mu.Lock()
	ok, wait := a.limiter.take(a.opts.Now())
	a.mu.Unlock()
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(wait))
		unit := "seconds"
		if wait == 1 {
			unit = "second"
		}
		writeDetail(w, http.StatusTooManyRequests,
			fmt.Sprintf("Request was throttled. Expected available in %d %s.", wait, unit))
		return
	}
	method := r.Method
	if method == http.MethodHead && strings.Contains(rt.allow, "HEAD") {
		method = http.MethodGet
	}
	if method == http.MethodOptions && strings.Contains(rt.allow, "OPTIONS") {
		writeJSON(w, http.StatusOK, routeDescription(rt))
		return
	}
	if changes(rt, method) && a.refuseChange(w) {
		return
	}
	switch {
	case rt.kind == routeList && method == http.MethodGet:
		a.serveList(w, r)
	case rt.kind == routeList && method == http.MethodPost:
		a.serveCreate(w, r, drop)
	case rt.kind == routeDetail && method == http.MethodGet:
		a.serveGet(w, rt.id)
	case rt.kind == routeDetail && method == http.MethodPut:
		a.serveUpdate(w, r, rt.id, false)
	case rt.kind == routeDetail && method == http.MethodPatch:
		a.serveUpdate(w, r, rt.id, true)
	case rt.kind == routeDetail && method == http.MethodDelete:
		a.serveDelete(w, rt.id)
	case rt.kind == routeAction && method == http.MethodPost:
		a.serveAction(w, rt.id, rt.action)
	default:
		writeMethodNotAllowed(w, r.Method)
	}
}

// writeMethodNotAllowed answers 405; the Allow header is already set.
func writeMethodNotAllowed(w http.ResponseWriter, method string) {
	writeDetail(w, http.StatusMethodNotAllowed, fmt.Sprintf("Method %q not allowed.", method))
}

// authenticate checks the bearer token; it returns the 401 detail, or ""
// when the request is authenticated. It never echoes the token.
func (a *Account) authenticate(r *http.Request) string {
	const notProvided = "Authentication credentials were not provided."
	h := r.Header.Get("Authorization")
	scheme, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	if h == "" || !strings.EqualFold(scheme, "Bearer") {
		return notProvided
	}
	token := strings.TrimSpace(rest)
	switch {
	case token == "":
		return "Invalid token header. No credentials provided."
	case strings.ContainsAny(token, " \t"):
		return "Invalid token header. Token string should not contain spaces."
	}
	if subtle.ConstantTimeCompare([]byte(token), []byte(a.opts.Token)) != 1 {
		return "Invalid token."
	}
	return ""
}

// routeMetadata is the answer to OPTIONS, as the framework's metadata.
type routeMetadata struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Renders     []string `json:"renders"`
	Parses      []string `json:"parses"`
}

func routeDescription(rt route) routeMetadata {
	m := routeMetadata{Renders: []string{"application/json"}, Parses: []string{"application/json"}}
	switch rt.kind {
	case routeList:
		m.Name, m.Description = "Server List", "List the servers of the account, or create one."
	case routeDetail:
		m.Name, m.Description = "Server Detail", "Get, update or delete one server."
	default:
		m.Name, m.Description = "Server Action", "Start, stop or reboot one server."
	}
	return m
}
