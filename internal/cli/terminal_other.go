//go:build !(aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || windows)

package cli

import "os"

// terminalWidth returns 0: on this platform the width of a terminal is
// not read, and COLUMNS (or 80) is used instead.
func terminalWidth(*os.File) int { return 0 }
