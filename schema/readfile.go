package schema

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/hashicorp/hcl/v2"
)

// ReadFleetFile reads one fleet or variable file for Load or Format. Only
// a regular file (or a symbolic link to one) of at most 8 MiB is read: a
// FIFO, a device, a socket or a directory is refused without being read
// from, so a FIFO named x.hcl cannot block and /dev/zero cannot fill the
// memory. The file is opened without blocking, so one swapped for a FIFO
// after it was listed is refused too. On failure it returns nil and an
// error diagnostic naming the file and what to do.
func ReadFleetFile(name string) ([]byte, hcl.Diagnostics) {
	src, err := readRegularFile(name, maxFileSize)
	if err != nil {
		return nil, hcl.Diagnostics{cannotReadFile(err)}
	}
	return src, nil
}

// errNotRegular and errTooLarge are wrapped by readRegularFile's errors
// for anything but a regular file and for a file over the limit.
var (
	errNotRegular = errors.New("not a regular file")
	errTooLarge   = errors.New("file too large")
)

// readRegularFile returns the content of the regular file name, refusing
// other kinds of files and files over limit bytes.
func readRegularFile(name string, limit int64) ([]byte, error) {
	// Stat first: opening a FIFO for reading would wait for a writer.
	info, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, notRegular(name, info.Mode())
	}
	f, err := openNonBlocking(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// And again on the open file, in case name was replaced meanwhile.
	if info, err = f.Stat(); err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, notRegular(name, info.Mode())
	}
	if info.Size() > limit {
		return nil, tooLarge(name, info.Size(), limit)
	}
	src, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(src)) > limit {
		return nil, tooLarge(name, int64(len(src)), limit)
	}
	return src, nil
}

func notRegular(name string, mode os.FileMode) error {
	kind := "not a regular file"
	switch {
	case mode.IsDir():
		kind = "a directory"
	case mode&os.ModeNamedPipe != 0:
		kind = "a named pipe (FIFO)"
	case mode&os.ModeSocket != 0:
		kind = "a socket"
	case mode&os.ModeDevice != 0:
		kind = "a device"
	}
	return &refusedFile{errNotRegular, fmt.Sprintf("%s is %s, not a regular file, so it was not read; fleet and variable files must be plain files", name, kind)}
}

func tooLarge(name string, size, limit int64) error {
	return &refusedFile{errTooLarge, fmt.Sprintf("%s is %d bytes, more than the %d MiB a fleet or variable file may have; split it into several files", name, size, limit>>20)}
}

// refusedFile is a file readRegularFile refused to read: why is one of its
// sentinel errors, msg the whole story.
type refusedFile struct {
	why error
	msg string
}

func (e *refusedFile) Error() string { return e.msg }
func (e *refusedFile) Unwrap() error { return e.why }
