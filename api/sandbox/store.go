package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"

	"github.com/vpsfleet/vpsfleet/internal/atomicfile"
)

// stateStore is the state of one Account on disk: the snapshot file
// (path), the journal of changes made since it (path+".journal"), and the
// exclusive lock (path+".lock") held while the Account is open.
//
// A change is appended to the journal and synced before it is answered
// (see journal). Close writes a new snapshot, replacing the file
// atomically, and then removes the journal. Opening replays the journal's
// changes that follow the snapshot's seq, so a crash at any point loses
// no change that was answered.
type stateStore struct {
	path        string
	journalPath string
	lock        *flock.Flock // holds the exclusive lock on path+".lock"
	journal     *journal     // nil until loaded

	// Guarded by the account's mu:
	snapshotSize  int64 // bytes of the snapshot file
	sinceSnapshot int64 // bytes of changes appended after the snapshot's seq
}

// openStateStore creates the file's directory if needed and takes the
// exclusive lock on path+".lock".
func openStateStore(path string) (*stateStore, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("sandbox state %s: cannot create its directory: %w", path, err)
		}
	}
	lockPath := path + ".lock"
	lock := flock.New(lockPath)
	locked, err := lock.TryLock()
	if err != nil {
		return nil, fmt.Errorf("sandbox state %s: cannot lock %s: %w", path, lockPath, err)
	}
	if !locked {
		return nil, fmt.Errorf("sandbox state %s is in use: %w %s; stop that process or use another state file", path, errStateLocked, lockPath)
	}
	st := &stateStore{path: path, journalPath: path + ".journal", lock: lock}
	st.removeStaleTemps()
	return st, nil
}

// removeStaleTemps deletes temporary files a writer left behind when it
// was killed between creating one and renaming it over the snapshot or the
// journal. They never hold the account's state (the rename is what
// commits it), and with the lock held no other writer can be using them.
func (s *stateStore) removeStaleTemps() {
	for _, name := range []string{s.path, s.journalPath} {
		stale, _ := filepath.Glob(filepath.Join(filepath.Dir(name), atomicfile.TempPattern(name)))
		for _, tmp := range stale {
			os.Remove(tmp)
		}
	}
}

// load fills the empty account a from the snapshot and the journal, or,
// when there is no snapshot, makes a new account and writes its snapshot.
// A journal whose snapshot is gone belongs to an account someone removed:
// it is removed too. A torn change at the journal's end (a crash in the
// middle of a write, never answered) is cut off. Then the journal is
// ready for appends.
func (s *stateStore) load(a *Account) error {
	st, size, err := s.readSnapshot()
	if err != nil {
		return err
	}
	if st != nil {
		a.restore(st)
	} else {
		if err := os.Remove(s.journalPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("sandbox state %s: cannot remove the journal %s of a removed account: %w", s.path, s.journalPath, err)
		}
		a.initNew()
		if size, err = s.writeSnapshot(a.stateLocked()); err != nil {
			return err
		}
	}
	s.snapshotSize = size
	f, err := os.OpenFile(s.journalPath, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("sandbox state %s: cannot open its journal %s: %w", s.path, s.journalPath, err)
	}
	scan, err := scanJournal(f, 0, a.replayNextLocked)
	if err == nil && scan.torn {
		err = f.Truncate(scan.end)
		if err == nil {
			err = f.Sync()
		}
		if err != nil {
			err = fmt.Errorf("cannot cut off the torn change at its end: %w", err)
		}
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("sandbox state %s: its journal %s: %w; move both files away to start a new account", s.path, s.journalPath, err)
	}
	s.journal = newJournal(s.journalPath, f, scan.end)
	s.sinceSnapshot = scan.end
	return nil
}

// errJournalGap is wrapped by the error of a journal whose first change
// is not the one after its snapshot's seq.
var errJournalGap = errors.New("the changes between them are missing")

// errStateLocked is wrapped by openStateStore's error when another
// process holds the lock.
var errStateLocked = errors.New("another process holds its lock")

// replayNextLocked applies a journal change that follows the account's
// seq; changes the snapshot already holds are skipped, and a gap (changes
// missing between the snapshot and the journal) is an error.
func (a *Account) replayNextLocked(c *change) error {
	switch {
	case c.Seq <= a.seq:
		return nil
	case c.Seq != a.seq+1:
		return fmt.Errorf("change %d follows change %d: %w", c.Seq, a.seq, errJournalGap)
	}
	a.replayLocked(c)
	return nil
}

// readSnapshot reads and checks the snapshot file, and returns it with
// its size; st is nil when the file does not exist yet.
func (s *stateStore) readSnapshot() (st *state, size int64, err error) {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("sandbox state %s: cannot read it: %w", s.path, err)
	}
	st, err = decodeState(data)
	if err != nil {
		return nil, 0, fmt.Errorf("sandbox state %s: %w; move it away to start a new account", s.path, err)
	}
	return st, int64(len(data)), nil
}

// decodeState parses and checks a state file's bytes.
func decodeState(data []byte) (*state, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("the file is empty, not a vpsfleet sandbox state file")
	}
	var st state
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return nil, fmt.Errorf("it is not a vpsfleet sandbox state file of version %d (%v)", stateVersion, err)
	}
	if err := validateState(&st); err != nil {
		return nil, err
	}
	return &st, nil
}

// encodeState renders a state file: the JSON of st and a newline. The
// servers are encoded one at a time into one buffer sized for them, by
// one encoder that reuses its scratch space, so encoding a large account
// needs little beyond the file's own bytes. Encoding these plain structs
// cannot fail; nil means it did.
func encodeState(st *state) []byte {
	head := *st
	head.Servers = nil
	data, err := json.Marshal(head) // {...,"servers":null}
	if err != nil || !bytes.HasSuffix(data, []byte(`"servers":null}`)) {
		return nil
	}
	var out bytes.Buffer
	out.Grow(len(data) + len(st.Servers)*360)
	out.Write(data[:len(data)-len(`null}`)])
	out.WriteByte('[')
	enc := json.NewEncoder(&out)
	for i, r := range st.Servers {
		if i > 0 {
			out.WriteByte(',')
		}
		if err := enc.Encode(r); err != nil {
			return nil
		}
		out.Truncate(out.Len() - 1) // the newline Encode adds
	}
	out.WriteString("]}\n")
	return out.Bytes()
}

// writeSnapshot replaces the snapshot file with st atomically (see
// atomicfile.WriteFile): a crash at any point leaves either the old file
// or the new one, never a mix. It returns the file's size.
func (s *stateStore) writeSnapshot(st *state) (int64, error) {
	data := encodeState(st)
	if data == nil {
		return 0, fmt.Errorf("sandbox state %s: could not encode the account", s.path)
	}
	if err := atomicfile.WriteFile(s.path, data, 0o600); err != nil {
		return 0, fmt.Errorf("sandbox state %s: cannot write it: %w", s.path, err)
	}
	return int64(len(data)), nil
}

// close stops the journal once every change is durable. If the journal
// holds changes and did not fail, it writes them into a new snapshot and
// removes the journal, so a closed account is one file. It then releases
// the lock. It returns the first error: the journal's failure, or the
// final snapshot's (the journal is kept then, and holds every change).
func (s *stateStore) close(a *Account) error {
	err := s.journal.close()
	if err == nil && s.journal.size > 0 {
		a.mu.Lock()
		_, err = s.writeSnapshot(a.stateLocked())
		a.mu.Unlock()
	}
	if err == nil {
		os.Remove(s.journalPath) // a leftover journal holds only changes the snapshot has
	}
	if lerr := s.lock.Close(); err == nil && lerr != nil {
		err = fmt.Errorf("sandbox state %s: cannot release its lock: %w", s.path, lerr)
	}
	return err
}
