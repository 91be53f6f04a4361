//go:build !linux

package sandbox

// syncData flushes f's data to disk: a full Sync where there is no
// fdatasync (on macOS, Sync is an F_FULLFSYNC).
func syncData(f journalFile) error {
	return f.Sync()
}
