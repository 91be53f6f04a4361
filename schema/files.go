package schema

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// varFileSuffix marks variable files, which are not fleet files.
const varFileSuffix = ".vars.hcl"

// fleetFileNames returns the fleet files path names: path itself when it is
// a file, else every *.hcl in the directory except *.vars.hcl and hidden
// files (a leading dot, like an editor's lock file .#fleet.hcl), sorted.
func fleetFileNames(path string) ([]string, hcl.Diagnostics) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, hcl.Diagnostics{errorDiag("Cannot read fleet files",
			"%s. Give the directory holding the *.hcl fleet files, or one fleet file.", err)}
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, hcl.Diagnostics{errorDiag("Cannot read fleet directory",
			"%s. Check that the directory exists and is readable.", err)}
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".hcl") || strings.HasSuffix(n, varFileSuffix) || strings.HasPrefix(n, ".") {
			continue
		}
		names = append(names, filepath.Join(path, n))
	}
	if len(names) == 0 {
		return nil, hcl.Diagnostics{errorDiag("No fleet files",
			"The directory %s holds no *.hcl fleet files (variable files, *.vars.hcl, do not count). Create one, for example fleet.hcl, or give another directory.", path)}
	}
	return names, nil
}

// cannotReadFile is the error diagnostic for a fleet or variable file that
// cannot be read.
func cannotReadFile(err error) *hcl.Diagnostic {
	if errors.Is(err, errNotRegular) || errors.Is(err, errTooLarge) {
		return errorDiag("Cannot read file", "%s.", err)
	}
	return errorDiag("Cannot read file", "%s. Check that the file exists and is readable.", err)
}

// parseFile reads and parses one HCL file into files. It returns nil (and a
// diagnostic) when the file cannot be read; on syntax errors the file is
// still returned, for rendering snippets.
func parseFile(name string, files map[string]*hcl.File) (*hcl.File, hcl.Diagnostics) {
	src, diags := ReadFleetFile(name)
	if diags.HasErrors() {
		return nil, diags
	}
	f, diags := parseConfig(src, name)
	files[name] = f
	return f, diags
}
