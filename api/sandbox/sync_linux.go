package sandbox

import (
	"os"
	"syscall"
)

// syncData flushes f's data to disk. On Linux an *os.File gets an
// fdatasync, which skips metadata that reading the data back does not
// need (the journal writes over blocks that already exist, so none is).
func syncData(f journalFile) error {
	osf, ok := f.(*os.File)
	if !ok {
		return f.Sync()
	}
	conn, err := osf.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := conn.Control(func(fd uintptr) {
		for {
			serr = syscall.Fdatasync(int(fd))
			if serr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	if serr != nil {
		return &os.PathError{Op: "fdatasync", Path: osf.Name(), Err: serr}
	}
	return nil
}
