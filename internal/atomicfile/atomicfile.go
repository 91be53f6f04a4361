// Package atomicfile replaces files so that a crash at any moment leaves
// either the old content or the new one, never a mix and never nothing.
package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFile replaces the file name with data: it writes a temporary file
// in the same directory, syncs it to disk (fsync), gives it mode perm,
// renames it over name, then syncs the directory so that the rename
// itself survives a crash. On failure name is left as it was and the
// temporary file is removed; the error names what failed.
//
// Temporary files are named as TempPattern(name) describes, so a caller
// that holds its own lock on name may remove those a killed writer left.
func WriteFile(name string, data []byte, perm fs.FileMode) error {
	dir := filepath.Dir(name)
	tmp, err := os.CreateTemp(dir, TempPattern(name))
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	err = tmp.Chmod(perm)
	if err == nil {
		_, err = tmp.Write(data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	err = errors.Join(err, tmp.Close())
	if err == nil {
		err = os.Rename(tmpName, name)
	}
	if err != nil {
		_ = os.Remove(tmpName)
		return err
	}
	SyncDir(dir)
	return nil
}

// TempPattern is the base-name pattern of WriteFile's temporary files for
// name, with a * where the random part goes (as os.CreateTemp and
// filepath.Glob both read it): a hidden file beside name.
func TempPattern(name string) string {
	return "." + filepath.Base(name) + ".tmp*"
}

// SyncDir flushes a directory's entries (a rename or a new file in it) to
// disk. Failure is ignored: some file systems and platforms cannot sync a
// directory, and the entry exists either way.
func SyncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
