package sandbox

import (
	"net/http"
	"time"
)

// serveSandbox answers the provider-side routes under /_sandbox/: they
// need no token, suffer no faults and are not counted in Stats.
func (a *Account) serveSandbox(w http.ResponseWriter, r *http.Request, rt route) {
	if rt.kind == routeUnknown {
		writeDetail(w, http.StatusNotFound, "Not found.")
		return
	}
	w.Header().Set("Allow", rt.allow)
	switch {
	case rt.kind == routeSandboxStats && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		writeJSON(w, http.StatusOK, a.Stats())
	case rt.kind == routeSandboxSuspend && r.Method == http.MethodPost:
		if !a.refuseChange(w) {
			a.serveSuspend(w, rt.id, rt.action == "suspend")
		}
	default:
		writeMethodNotAllowed(w, r.Method)
	}
}

// serveSuspend plays the provider suspending a server (it then accepts
// no action) or lifting the suspension (it returns to the status it
// would have had: an interrupted transition has completed meanwhile).
func (a *Account) serveSuspend(w http.ResponseWriter, id int64, suspend bool) {
	rec := a.lockRecord(w, id)
	if rec == nil {
		return
	}
	if rec.Suspended == suspend {
		msg := "Server is not suspended"
		if suspend {
			msg = "Server is already suspended"
		}
		a.answerLocked(w, http.StatusBadRequest, msg)
		return
	}
	now := a.opts.Now()
	rec.Suspended = suspend
	rec.UpdatedAt = now.UTC().Truncate(time.Microsecond)
	a.refileLocked(rec, now)
	a.commitLocked([]*record{rec}, nil)
	msg := "Server is no longer suspended"
	if suspend {
		msg = "Server is suspended"
	}
	body := wireAction{Status: "success", Message: msg, Server: rec.actionServer(now)}
	if !a.unlockDurable(w) {
		return
	}
	writeJSON(w, http.StatusOK, body)
}
