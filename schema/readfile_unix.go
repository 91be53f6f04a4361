//go:build unix

package schema

import (
	"os"
	"syscall"
)

// openNonBlocking opens name for reading without waiting, should it be a
// FIFO, for a writer.
func openNonBlocking(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
