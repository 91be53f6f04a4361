package atomicfile

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestWriteFileReplacesAndKeepsNoTemporary(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "plan.out")
	if err := os.WriteFile(name, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(name, []byte("new"), 0o600); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	got, err := os.ReadFile(name)
	if err != nil || string(got) != "new" {
		t.Fatalf("content = %q, %v; want new", got, err)
	}
	if runtime.GOOS != "windows" {
		info, _ := os.Stat(name)
		if info.Mode().Perm() != 0o600 {
			t.Errorf("mode = %v, want 0600", info.Mode().Perm())
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, TempPattern(name)))
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestWriteFileFailureLeavesTheOldFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "missing-dir", "f")
	if err := WriteFile(name, []byte("x"), 0o600); err == nil {
		t.Fatal("WriteFile into a missing directory succeeded")
	}
	// A rename over a directory fails: the directory must survive.
	target := filepath.Join(dir, "d")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(target, []byte("x"), 0o600); err == nil {
		t.Fatal("WriteFile over a directory succeeded")
	}
	if info, err := os.Stat(target); err != nil || !info.IsDir() {
		t.Errorf("the directory was replaced: %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, TempPattern(target)))
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}
