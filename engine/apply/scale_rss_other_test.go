//go:build !linux && !darwin

package apply

import "os"

// maxRSS is 0 (unknown) where the system does not report a process's
// peak resident set.
func maxRSS(*os.ProcessState) int64 { return 0 }
