package sandbox

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/vpsfleet/vpsfleet/internal/atomicfile"
)

// journalFile is what the journal writes to: an *os.File, opened for
// writing at the end of its whole changes.
type journalFile interface {
	io.WriterAt
	Sync() error
	Truncate(size int64) error
	Close() error
}

// journal is the append-only file of changes beside the snapshot, with
// group commit: changes are appended to a pending buffer under the
// account's lock, and one goroutine writes and fsyncs whatever is pending
// at a time, so every request that arrived while an fsync was running
// shares the next one. A change is durable once the group it joined is
// done; the account answers only then.
//
// A write or fsync that fails fails the journal for good: that group and
// every later one report the error, and nothing more is written (after a
// failed fsync, what reached the disk is unknown, and a later write
// cannot make it known again).
type journal struct {
	path string

	fileMu    sync.Mutex  // held while the file is written, synced or replaced
	file      journalFile // guarded by fileMu
	size      int64       // bytes of whole changes in file; guarded by fileMu
	allocated int64       // bytes of file written so far (changes, then zeros); guarded by fileMu

	mu      sync.Mutex
	pending []byte       // changes not yet written
	spare   []byte       // the buffer the committer last wrote, for reuse
	open    *commitGroup // the group pending changes belong to; nil when none
	last    *commitGroup // the latest group given a change; nil when none
	failed  error        // set once; then every group fails with it

	// While a compaction writes a snapshot, carry collects every change
	// appended after the snapshot's seq, for the journal that replaces
	// this one (see carryInto).
	carrying bool
	carry    []byte

	wake    chan struct{} // a change is pending (capacity 1)
	stop    chan struct{} // closed by close: drain and exit
	stopped chan struct{} // closed when the committer has exited
}

// commitGroup is the changes one write and fsync make durable.
type commitGroup struct {
	done chan struct{} // closed when err is set
	err  error         // nil: the group is durable
}

// wait blocks until the group is written and synced, and returns the
// journal's failure if it was not. A nil group is durable.
func (g *commitGroup) wait() error {
	if g == nil {
		return nil
	}
	<-g.done
	return g.err
}

// newJournal starts the committer of a journal whose whole changes in
// file end at size, which is also the file's length.
func newJournal(path string, file journalFile, size int64) *journal {
	j := &journal{
		path: path, file: file, size: size, allocated: size,
		wake: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{}),
	}
	go j.run()
	return j
}

// append adds an encoded change (see appendChangeLine) and returns the
// group that will make it durable. The caller holds the account's lock,
// so changes are appended in the order they were made.
func (j *journal) append(line []byte) *commitGroup {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.open == nil {
		j.open = &commitGroup{done: make(chan struct{})}
		j.last = j.open
	}
	j.pending = append(j.pending, line...)
	if j.carrying {
		j.carry = append(j.carry, line...)
	}
	select {
	case j.wake <- struct{}{}:
	default:
	}
	return j.open
}

// lastGroup is the group of the latest change appended: once it is done,
// everything appended before the call is durable. It is nil when nothing
// was ever appended.
func (j *journal) lastGroup() *commitGroup {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.last
}

// err is the journal's failure, nil while it works.
func (j *journal) err() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.failed
}

// run is the committer: it writes and syncs pending changes until close.
func (j *journal) run() {
	defer close(j.stopped)
	for {
		select {
		case <-j.wake:
			j.commit()
		case <-j.stop:
			j.commit()
			return
		}
	}
}

// maxSpare is the largest buffer the committer keeps for reuse; a larger
// one (an import of many servers) goes to the garbage collector.
const maxSpare = 1 << 20

// commit writes and syncs everything pending as one group.
func (j *journal) commit() {
	j.fileMu.Lock()
	defer j.fileMu.Unlock()
	j.mu.Lock()
	data, g, failed := j.pending, j.open, j.failed
	j.pending, j.spare, j.open = j.spare[:0], nil, nil
	j.mu.Unlock()
	if g == nil {
		return
	}
	err := failed
	if err == nil {
		err = j.writeLocked(data)
	}
	j.mu.Lock()
	if err != nil && j.failed == nil {
		j.failed = err
	}
	if cap(data) <= maxSpare {
		j.spare = data[:0]
	}
	j.mu.Unlock()
	g.err = err
	close(g.done)
}

// journalChunk is how far ahead of its changes the journal's file is
// filled with zeros. Writing changes over blocks that are already on disk
// changes no file metadata (not even the length), so syncing them needs
// only the data flushed: on Linux an fdatasync, which costs about half an
// fsync that must also commit the file system's own journal.
const journalChunk = 1 << 20

// zeros is what the journal's file is extended with.
var zeros = make([]byte, 64<<10)

// writeLocked appends data to the file after its whole changes and syncs
// it; the file is first extended with synced zeros when data would go
// past them. The caller holds fileMu.
func (j *journal) writeLocked(data []byte) error {
	if end := j.size + int64(len(data)); end > j.allocated {
		if err := j.extendLocked(end + journalChunk); err != nil {
			return err
		}
	}
	if _, err := j.file.WriteAt(data, j.size); err != nil {
		return fmt.Errorf("cannot write the journal %s: %w", j.path, err)
	}
	if err := syncData(j.file); err != nil {
		return fmt.Errorf("cannot sync the journal %s to disk: %w", j.path, err)
	}
	j.size += int64(len(data))
	return nil
}

// extendLocked writes zeros from the end of the file to size and syncs
// the file, its new length included. A reader stops at the first zero
// byte where a change would start (see scanJournal).
func (j *journal) extendLocked(size int64) error {
	for off := j.allocated; off < size; {
		n := min(int64(len(zeros)), size-off)
		if _, err := j.file.WriteAt(zeros[:n], off); err != nil {
			return fmt.Errorf("cannot extend the journal %s: %w", j.path, err)
		}
		off += n
	}
	if err := j.file.Sync(); err != nil {
		return fmt.Errorf("cannot sync the journal %s to disk: %w", j.path, err)
	}
	j.allocated = size
	return nil
}

// truncate empties the file, once a snapshot holds every change in it.
// The caller holds the account's lock and has waited for lastGroup, so
// nothing is pending.
func (j *journal) truncate() error {
	j.fileMu.Lock()
	defer j.fileMu.Unlock()
	if err := j.file.Truncate(0); err != nil {
		return fmt.Errorf("cannot empty the journal %s: %w", j.path, err)
	}
	if err := j.file.Sync(); err != nil {
		return fmt.Errorf("cannot sync the journal %s to disk: %w", j.path, err)
	}
	j.size, j.allocated = 0, 0
	return nil
}

// startCarry begins collecting the changes appended from now on, for a
// compaction whose snapshot holds every change so far. The caller holds
// the account's lock and has waited for lastGroup, so nothing is pending.
func (j *journal) startCarry() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.carrying, j.carry = true, nil
}

// stopCarry ends a compaction that failed: the journal goes on as it is,
// holding every change.
func (j *journal) stopCarry() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.carrying, j.carry = false, nil
}

// carryInto ends a compaction whose snapshot is now on disk: it replaces
// the file with a new journal holding only the changes carried (those
// after the snapshot) that were already written, atomically, and appends
// to it from then on; carried changes still pending are written to it by
// the committer as usual. A crash before the rename leaves the old
// journal, whose changes up to the snapshot's seq are skipped when it is
// replayed. When the new journal cannot be written the old one is kept
// (it still holds every change) and the error returned.
func (j *journal) carryInto() error {
	j.fileMu.Lock()
	defer j.fileMu.Unlock()
	j.mu.Lock()
	defer j.mu.Unlock()
	carry, pending := j.carry, len(j.pending)
	j.carrying, j.carry = false, nil
	if j.failed != nil {
		return j.failed
	}
	written := carry[:len(carry)-pending]
	if err := j.file.Close(); err != nil {
		j.failed = fmt.Errorf("cannot close the journal %s: %w", j.path, err)
		return j.failed
	}
	werr := atomicfile.WriteFile(j.path, written, 0o600)
	f, err := os.OpenFile(j.path, os.O_RDWR, 0)
	if err != nil {
		j.failed = fmt.Errorf("cannot reopen the journal %s: %w", j.path, err)
		return j.failed
	}
	j.file = f
	if werr != nil {
		return fmt.Errorf("cannot write a new journal %s: %w", j.path, werr)
	}
	j.size, j.allocated = int64(len(written)), int64(len(written))
	return nil
}

// close stops the committer once everything pending is durable, and
// closes the file. It returns the journal's failure, if any.
func (j *journal) close() error {
	close(j.stop)
	<-j.stopped
	j.fileMu.Lock()
	defer j.fileMu.Unlock()
	cerr := j.file.Close()
	if err := j.err(); err != nil {
		return err
	}
	if cerr != nil {
		return fmt.Errorf("cannot close the journal %s: %w", j.path, cerr)
	}
	return nil
}
