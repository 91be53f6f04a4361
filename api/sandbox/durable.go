package sandbox

import (
	"net/http"
)

// commitLocked records a change just made to the account (the servers put,
// whole, and the ids deleted) in the journal, after the account's next id
// and credits. The caller holds a.mu and answers only once unlockDurable
// says the change is on disk. In memory only, it does nothing.
func (a *Account) commitLocked(put []*record, del []int64) {
	if a.store == nil {
		return
	}
	a.seq++
	c := change{Seq: a.seq, NextID: a.nextID, Credits: a.credits, Put: put, Delete: del}
	a.line = appendChangeLine(a.line[:0], &c)
	a.store.journal.append(a.line)
	a.store.sinceSnapshot += int64(len(a.line))
	a.maybeCompactLocked()
}

// unlockDurable unlocks a.mu and waits until every change made before
// then is durable, whether the request made it or only saw it, so no
// answer ever shows what a crash could still undo. It reports false,
// having answered 500 with the reason, when the state file could not be
// written.
func (a *Account) unlockDurable(w http.ResponseWriter) bool {
	if err := a.unlockWait(); err != nil {
		writeStateFailed(w, err)
		return false
	}
	return true
}

// unlockWait is unlockDurable for callers that are not answering a
// request: it returns the journal's failure.
func (a *Account) unlockWait() error {
	if a.store == nil {
		a.mu.Unlock()
		return nil
	}
	g := a.store.journal.lastGroup()
	a.mu.Unlock()
	return g.wait()
}

// stateFailedLocked is the journal's failure, nil while it works (and in
// memory only).
func (a *Account) stateFailedLocked() error {
	if a.store == nil {
		return nil
	}
	return a.store.journal.err()
}

// writeStateFailed answers a request the account could not make durable,
// or refuses one after such a failure: the change may or may not be on
// disk, and nothing further is.
func writeStateFailed(w http.ResponseWriter, err error) {
	writeDetail(w, http.StatusInternalServerError,
		"The sandbox could not save its state: "+err.Error()+
			". It accepts no more requests: fix the cause (disk space, the file system) and restart it.")
}
