//go:build unix

package lock

import (
	"os"
	"syscall"
)

// signalZero asks whether proc exists, sending no signal.
func signalZero(proc *os.Process) error { return proc.Signal(syscall.Signal(0)) }
