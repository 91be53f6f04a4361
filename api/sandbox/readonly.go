package sandbox

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strconv"
	"strings"
)

// stateReader is how a read-only account (Options.ReadOnlyIfLocked)
// follows state files that another process holds and writes: what it
// last read of each, so it reads again only what changed.
type stateReader struct {
	path, journalPath string
	snapshotSeq       uint64      // the seq of the snapshot last loaded
	journal           fs.FileInfo // the journal as last read; nil when there was none
	end               int64       // offset in journal after the last whole change read
}

// readOnlyRetries is how many times a read-only open reads the files
// again when a compaction replaced them between its two reads.
const readOnlyRetries = 5

// openReadOnly opens a, whose lock another process holds, as a
// read-only account on the files as they are.
func openReadOnly(a *Account) (*Account, error) {
	a.readOnly = &stateReader{path: a.opts.StatePath, journalPath: a.opts.StatePath + ".journal"}
	if err := a.reloadRetryingLocked(); err != nil {
		return nil, err
	}
	return a, nil
}

// reloadRetryingLocked is reloadLocked, read again (up to readOnlyRetries
// times) while a compaction replaces the files between its two reads.
func (a *Account) reloadRetryingLocked() error {
	var err error
	for range readOnlyRetries {
		if err = a.reloadLocked(); !errors.Is(err, errJournalGap) {
			break
		}
	}
	return err
}

// reloadLocked reads the snapshot and the journal afresh and replaces the
// account's servers with what they hold. On error the account is left as
// it was. A journal newer than the snapshot read, or a snapshot replaced
// while the journal was read (a compaction replaced both between the two
// reads), is errJournalGap: read again.
func (a *Account) reloadLocked() error {
	ro := a.readOnly
	st, _, err := (&stateStore{path: ro.path}).readSnapshot()
	if err != nil {
		return err
	}
	if st == nil {
		return fmt.Errorf("sandbox state %s is being created by the process that holds its lock; retry in a moment", ro.path)
	}
	fresh := newAccount(a.opts)
	fresh.restore(st)
	jfi, end, err := readJournalFrom(fresh, ro.journalPath, 0)
	if err != nil {
		return err
	}
	// A compaction may have replaced both files between the two reads:
	// the journal read may then start after changes the snapshot read
	// lacks, and an empty one shows no gap. The snapshot must still be
	// the one read.
	if seq, err := snapshotSeq(ro.path); err != nil || seq != st.Seq {
		return fmt.Errorf("sandbox state %s was compacted while it was read: %w", ro.path, errJournalGap)
	}
	a.servers, a.byID, a.ipv4s, a.docIPv4s = fresh.servers, fresh.byID, fresh.ipv4s, fresh.docIPv4s
	a.index, a.seq, a.nextID, a.credits = fresh.index, fresh.seq, fresh.nextID, fresh.credits
	ro.snapshotSeq, ro.journal, ro.end = st.Seq, jfi, end
	return nil
}

// readJournalFrom applies the whole changes of the journal at path from
// offset from onto a, and returns the journal's file info (nil when there
// is none) and the offset after the last whole change. A change being
// written (a partial line, or the zeros after the last change) is left
// for the next read.
func readJournalFrom(a *Account, path string, from int64) (fs.FileInfo, int64, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, from, nil
	}
	if err != nil {
		return nil, from, fmt.Errorf("sandbox state: cannot read its journal %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, from, fmt.Errorf("sandbox state: cannot read its journal %s: %w", path, err)
	}
	if _, err := f.Seek(from, io.SeekStart); err != nil {
		return nil, from, fmt.Errorf("sandbox state: cannot read its journal %s: %w", path, err)
	}
	scan, err := scanJournal(f, from, a.replayNextLocked)
	if err != nil {
		return nil, from, fmt.Errorf("sandbox state: its journal %s: %w", path, err)
	}
	return fi, scan.end, nil
}

// snapshotHead is how much of a snapshot file snapshotSeq reads: its
// format, version and seq come first.
const snapshotHead = 256

// snapshotSeq reads the seq of the snapshot file at path from its first
// bytes, without reading the rest. A file with no seq there (written
// before the journal existed) has seq 0.
func snapshotSeq(path string) (uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var head [snapshotHead]byte
	n, err := io.ReadFull(f, head[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return 0, err
	}
	_, rest, found := strings.Cut(string(head[:n]), `"seq":`)
	if !found {
		return 0, nil
	}
	digits := rest[:len(rest)-len(strings.TrimLeft(rest, "0123456789"))]
	return strconv.ParseUint(digits, 10, 64)
}

// refreshLocked brings a read-only account up to date with the files
// before a request is answered. When nothing changed it costs reading the
// snapshot's first bytes and one byte of the journal. New changes at the
// journal's end are applied; a new snapshot (its seq tells: each
// compaction's is later) or a new journal is loaded whole. When the files
// cannot be read, the account keeps what it had: a consistent state, if
// older.
//
// A journal is replaced only by the compaction that first replaced the
// snapshot, and it is created while the journal it replaces is still
// there, so with the snapshot's seq unchanged, os.SameFile tells a new
// journal from the one last read.
func (a *Account) refreshLocked() {
	ro := a.readOnly
	if seq, err := snapshotSeq(ro.path); err != nil || seq != ro.snapshotSeq {
		a.reloadRetryingLocked()
		return
	}
	f, err := os.Open(ro.journalPath)
	if err != nil {
		return // none yet, or it was removed with a snapshot already read
	}
	jfi, err := f.Stat()
	if err != nil || ro.journal == nil || !os.SameFile(jfi, ro.journal) {
		f.Close()
		a.reloadRetryingLocked()
		return
	}
	var next [1]byte
	n, _ := f.ReadAt(next[:], ro.end)
	f.Close()
	if n == 0 || next[0] == 0 {
		return // nothing after the last change read
	}
	_, end, err := readJournalFrom(a, ro.journalPath, ro.end)
	if err != nil {
		a.reloadRetryingLocked()
		return
	}
	ro.end = end
}

// ReadOnly reports whether the account was opened read-only because
// another process holds its state file (see Options.ReadOnlyIfLocked).
func (a *Account) ReadOnly() bool { return a.readOnly != nil }

// readOnlyDetail is the refusal of a change on a read-only account.
func (ro *stateReader) readOnlyDetail() string {
	return fmt.Sprintf("Another process holds the sandbox state %s (its lock %s.lock), so this one only reads it and cannot make changes. Retry when that process ends.",
		ro.path, ro.path)
}

// refuseChange answers 423 Locked and reports true when the account is
// read-only.
func (a *Account) refuseChange(w http.ResponseWriter) bool {
	if a.readOnly == nil {
		return false
	}
	writeDetail(w, http.StatusLocked, a.readOnly.readOnlyDetail())
	return true
}

// changes reports whether a request to rt with method would change the
// account.
func changes(rt route, method string) bool {
	switch rt.kind {
	case routeList, routeAction, routeSandboxSuspend:
		return method == http.MethodPost
	case routeDetail:
		return method == http.MethodPut || method == http.MethodPatch || method == http.MethodDelete
	}
	return false
}
