package schema

import (
	"os"
	"path/filepath"
	"testing"
)

// goldenDir holds this package's golden files.
var goldenDir = filepath.Join("..", "testdata", "schema")

// writeFleet writes files (name → source) into a new temporary directory
// and returns it.
func writeFleet(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
