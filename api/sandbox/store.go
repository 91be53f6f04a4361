package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
)

// stateStore is the state file of one Account: its lock, and atomic
// writes of snapshots.
type stateStore struct {
	path string
	lock *os.File // holds an exclusive flock on path+".lock"

	writeMu  sync.Mutex // serialises writes; taken before Account.mu
	released bool       // guarded by writeMu

	// scheduled is guarded by Account.mu: a background write is pending.
	scheduled bool

	errMu sync.Mutex
	err   error // first background write error
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
	f, err := os.OpenFile(lockPath, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sandbox state %s: cannot open lock file: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("sandbox state %s is in use: another process holds its lock %s; stop that process or use another state file", path, lockPath)
		}
		return nil, fmt.Errorf("sandbox state %s: cannot lock %s: %w", path, lockPath, err)
	}
	st := &stateStore{path: path, lock: f}
	st.removeStaleTemps()
	return st, nil
}

// tempPattern is the name of a temporary file writeLocked creates next to
// the state file, with a * where the random part goes (as os.CreateTemp
// and filepath.Glob both read it).
func (s *stateStore) tempPattern() string {
	return "." + filepath.Base(s.path) + ".tmp*"
}

// removeStaleTemps deletes temporary files a writer left behind when it
// was killed between creating one and renaming it over the state file.
// They never hold the account's state (the rename is what commits it), and
// with the lock held no other writer can be using them.
func (s *stateStore) removeStaleTemps() {
	stale, _ := filepath.Glob(filepath.Join(filepath.Dir(s.path), s.tempPattern()))
	for _, name := range stale {
		os.Remove(name)
	}
}

// load reads and checks the state file. found is false when it does not
// exist yet.
func (s *stateStore) load() (st *state, found bool, err error) {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("sandbox state %s: cannot read it: %w", s.path, err)
	}
	st, err = decodeState(data)
	if err != nil {
		return nil, false, fmt.Errorf("sandbox state %s: %w; move it away to start a new account", s.path, err)
	}
	return st, true, nil
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

// encodeState renders a state file. Encoding these plain structs cannot
// fail.
func encodeState(st *state) []byte {
	data, err := json.Marshal(st)
	if err != nil {
		return nil
	}
	return append(data, '\n')
}

// writeLocked replaces the state file with data atomically: a temporary
// file in the same directory, synced, renamed over it, then the directory
// synced so the rename itself survives a crash. A crash at any point
// leaves either the old file or the new one, never a mix. It writes
// nothing once the store is released.
func (s *stateStore) writeLocked(data []byte) error {
	if s.released {
		return nil
	}
	if data == nil {
		return fmt.Errorf("sandbox state %s: could not encode the account", s.path)
	}
	dir := filepath.Dir(s.path)
	tmp, err := os.CreateTemp(dir, s.tempPattern())
	if err != nil {
		return fmt.Errorf("sandbox state %s: cannot create a temporary file next to it: %w", s.path, err)
	}
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), s.path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("sandbox state %s: cannot write it: %w", s.path, werr)
	}
	syncDir(dir)
	return nil
}

// syncDir flushes a directory's entries (a rename in it) to disk. Failure
// is ignored: some file systems cannot sync a directory, and the rename
// has happened either way.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}

// keepErr remembers the first background write error for Close.
func (s *stateStore) keepErr(err error) {
	s.errMu.Lock()
	defer s.errMu.Unlock()
	if s.err == nil {
		s.err = err
	}
}

// release stops all writes and unlocks the state file. It returns the
// first background write error, if any.
func (s *stateStore) release() error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if s.released {
		return nil
	}
	s.released = true
	syscall.Flock(int(s.lock.Fd()), syscall.LOCK_UN)
	cerr := s.lock.Close()
	s.errMu.Lock()
	defer s.errMu.Unlock()
	if s.err != nil {
		return s.err
	}
	if cerr != nil {
		return fmt.Errorf("sandbox state %s: cannot release its lock: %w", s.path, cerr)
	}
	return nil
}
