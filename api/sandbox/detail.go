package sandbox

import (
	"net/http"
	"time"
)

const msgSuspended = "Server is suspended"

// serveGet answers GET /api/v1/servers/{id}/.
func (a *Account) serveGet(w http.ResponseWriter, id int64) {
	a.mu.Lock()
	rec, ok := a.byID[id]
	var body wireDetail
	if ok {
		body = rec.detail(a.opts.Now())
	}
	a.mu.Unlock()
	if !ok {
		writeDetail(w, http.StatusNotFound, "Not found.")
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// serveUpdate answers PUT (partial false: name, hostname and
// backups_enabled all required) and PATCH (partial: any of them) of
// /api/v1/servers/{id}/ with the updated detail. A suspended server
// accepts no change (400).
func (a *Account) serveUpdate(w http.ResponseWriter, r *http.Request, id int64, partial bool) {
	if !a.exists(w, id) {
		return
	}
	obj, berr := readObject(r)
	if berr != nil {
		writeJSON(w, berr.status, berr.body)
		return
	}
	rules := replaceRules
	if partial {
		rules = updateRules
	}
	in, ferr := validateInput(obj, rules)

	a.mu.Lock()
	rec, ok := a.byID[id]
	now := a.opts.Now()
	switch {
	case !ok:
		a.mu.Unlock()
		writeDetail(w, http.StatusNotFound, "Not found.")
		return
	case rec.Suspended:
		a.mu.Unlock()
		writeDetail(w, http.StatusBadRequest, msgSuspended)
		return
	case ferr != nil:
		a.mu.Unlock()
		writeJSON(w, http.StatusBadRequest, ferr)
		return
	}
	if in.hasName {
		rec.Name = in.Name
	}
	if in.hasHostname {
		rec.Hostname = in.Hostname
	}
	if in.hasBackups {
		rec.BackupsEnabled = in.BackupsEnabled
	}
	rec.UpdatedAt = now.UTC().Truncate(time.Microsecond)
	a.markDirtyLocked()
	body := rec.detail(now)
	a.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

// exists answers 404 and returns false when there is no server id. It
// lets a request for a missing server be refused before its body is read.
func (a *Account) exists(w http.ResponseWriter, id int64) bool {
	a.mu.Lock()
	_, ok := a.byID[id]
	a.mu.Unlock()
	if !ok {
		writeDetail(w, http.StatusNotFound, "Not found.")
	}
	return ok
}

// serveDelete answers DELETE /api/v1/servers/{id}/: 204 with no body.
// Nothing is refunded; a suspended server cannot be deleted (400).
func (a *Account) serveDelete(w http.ResponseWriter, id int64) {
	a.mu.Lock()
	rec, ok := a.byID[id]
	switch {
	case !ok:
		a.mu.Unlock()
		writeDetail(w, http.StatusNotFound, "Not found.")
		return
	case rec.Suspended:
		a.mu.Unlock()
		writeDetail(w, http.StatusBadRequest, msgSuspended)
		return
	}
	a.removeLocked(rec)
	a.markDirtyLocked()
	a.mu.Unlock()
	w.Header().Set("Vary", "Accept")
	w.WriteHeader(http.StatusNoContent)
}
