package engine

import (
	"path/filepath"
	"testing"

	"github.com/vpsfleet/vpsfleet/internal/golden"
)

// goldenDir holds this package's golden files.
var goldenDir = filepath.Join("..", "testdata", "engine")

// checkGolden compares got with the golden file at path, or rewrites the
// file under -update.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	golden.Check(t, path, got)
}
