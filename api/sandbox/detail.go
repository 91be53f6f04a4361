package sandbox

import (
	"net/http"
	"time"
)

const msgSuspended = "Server is suspended"

// serveGet answers GET /api/v1/servers/{id}/.
func (a *Account) serveGet(w http.ResponseWriter, id int64) {
	rec := a.lockRecord(w, id)
	if rec == nil {
		return
	}
	body := rec.detail(a.opts.Now())
	if !a.unlockDurable(w) {
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

	rec := a.lockChangeable(w, id)
	if rec == nil {
		return
	}
	if ferr != nil {
		if a.unlockDurable(w) {
			writeJSON(w, http.StatusBadRequest, ferr)
		}
		return
	}
	now := a.opts.Now()
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
	a.commitLocked([]*record{rec}, nil)
	body := rec.detail(now)
	if !a.unlockDurable(w) {
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// exists answers 404 and returns false when there is no server id. It
// lets a request for a missing server be refused before its body is read.
func (a *Account) exists(w http.ResponseWriter, id int64) bool {
	if a.lockRecord(w, id) == nil {
		return false
	}
	a.mu.Unlock()
	return true
}

// lockOpen locks the account and reports true, leaving a.mu held for the
// caller to unlock. When the account has been closed meanwhile (a request
// already past ServeHTTP's check) it unlocks, answers 503 and reports
// false, so no change is acknowledged that Close did not save; when its
// journal has failed it answers 500 the same way. A read-only account is
// first brought up to date with its files.
func (a *Account) lockOpen(w http.ResponseWriter) bool {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		writeClosed(w)
		return false
	}
	if err := a.stateFailedLocked(); err != nil {
		a.mu.Unlock()
		writeStateFailed(w, err)
		return false
	}
	if a.readOnly != nil {
		a.refreshLocked()
	}
	return true
}

// lockRecord is lockOpen that returns server id; when there is no such
// server it unlocks, answers 404 and returns nil, as it does (503) when
// the account is closed.
func (a *Account) lockRecord(w http.ResponseWriter, id int64) *record {
	if !a.lockOpen(w) {
		return nil
	}
	rec, ok := a.byID[id]
	if !ok {
		a.answerLocked(w, http.StatusNotFound, "Not found.")
		return nil
	}
	return rec
}

// lockChangeable is lockRecord for a request that changes the server: a
// suspended server accepts no change, so it too is unlocked, answered 400
// and nil.
func (a *Account) lockChangeable(w http.ResponseWriter, id int64) *record {
	rec := a.lockRecord(w, id)
	if rec != nil && rec.Suspended {
		a.answerLocked(w, http.StatusBadRequest, msgSuspended)
		return nil
	}
	return rec
}

// answerLocked unlocks a.mu and answers a refusal that depends on what
// the account holds (no such server, not running, ...), once what it saw
// is durable.
func (a *Account) answerLocked(w http.ResponseWriter, status int, detail string) {
	if a.unlockDurable(w) {
		writeDetail(w, status, detail)
	}
}

// serveDelete answers DELETE /api/v1/servers/{id}/: 204 with no body.
// Nothing is refunded; a suspended server cannot be deleted (400).
func (a *Account) serveDelete(w http.ResponseWriter, id int64) {
	rec := a.lockChangeable(w, id)
	if rec == nil {
		return
	}
	a.removeLocked(rec)
	a.commitLocked(nil, []int64{rec.ID})
	if !a.unlockDurable(w) {
		return
	}
	w.Header().Set("Vary", "Accept")
	w.WriteHeader(http.StatusNoContent)
}
