package apply

import (
	"os"
	"syscall"
)

// maxRSS is a finished process's peak resident set in bytes (macOS
// reports bytes); 0 when unknown.
func maxRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}
