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

	"github.com/gofrs/flock"

	"github.com/vpsfleet/vpsfleet/internal/atomicfile"
)

// stateStore is the state file of one Account: its lock, and atomic
// writes of snapshots.
type stateStore struct {
	path string
	lock *flock.Flock // holds the exclusive lock on path+".lock"

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
	lock := flock.New(lockPath)
	locked, err := lock.TryLock()
	if err != nil {
		return nil, fmt.Errorf("sandbox state %s: cannot lock %s: %w", path, lockPath, err)
	}
	if !locked {
		return nil, fmt.Errorf("sandbox state %s is in use: another process holds its lock %s; stop that process or use another state file", path, lockPath)
	}
	st := &stateStore{path: path, lock: lock}
	st.removeStaleTemps()
	return st, nil
}

// removeStaleTemps deletes temporary files a writer left behind when it
// was killed between creating one and renaming it over the state file.
// They never hold the account's state (the rename is what commits it), and
// with the lock held no other writer can be using them.
func (s *stateStore) removeStaleTemps() {
	stale, _ := filepath.Glob(filepath.Join(filepath.Dir(s.path), atomicfile.TempPattern(s.path)))
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

// writeLocked replaces the state file with data atomically (see
// atomicfile.WriteFile): a crash at any point leaves either the old file
// or the new one, never a mix. It writes nothing once the store is
// released.
func (s *stateStore) writeLocked(data []byte) error {
	if s.released {
		return nil
	}
	if data == nil {
		return fmt.Errorf("sandbox state %s: could not encode the account", s.path)
	}
	if err := atomicfile.WriteFile(s.path, data, 0o600); err != nil {
		return fmt.Errorf("sandbox state %s: cannot write it: %w", s.path, err)
	}
	return nil
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
