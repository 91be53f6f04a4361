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

// autoVarFileNames returns the *.auto.vars.hcl files beside the fleet at
// path (in the directory, or in the directory of the one fleet file),
// hidden ones aside, sorted.
func autoVarFileNames(path string) ([]string, hcl.Diagnostics) {
	dir := path
	if info, err := os.Stat(path); err == nil && !info.IsDir() {
		dir = filepath.Dir(path)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, hcl.Diagnostics{errorDiag("Cannot read fleet directory",
			"%s, so its *.auto.vars.hcl files cannot be read. Check that the directory is readable.", err)}
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && strings.HasSuffix(n, autoVarFileSuffix) && !strings.HasPrefix(n, ".") {
			names = append(names, filepath.Join(dir, n))
		}
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

// parseFile reads and parses one variable file into l.files, counting it
// against maxFleetSize. It returns nil (and a diagnostic) when the file
// cannot be read; on syntax errors the file is still returned, for
// rendering snippets.
func (l *loader) parseFile(name string) (*hcl.File, hcl.Diagnostics) {
	src, diags := ReadFleetFile(name)
	if diags.HasErrors() {
		return nil, diags
	}
	if l.bytesRead += len(src); l.bytesRead > maxFleetSize {
		return nil, hcl.Diagnostics{fleetTooLarge(name)}
	}
	f, diags := parseConfig(src, name)
	l.files[name] = f
	return f, diags
}

// fleetTooLarge is the error diagnostic for the file that takes the files
// one Load reads over maxFleetSize.
func fleetTooLarge(name string) *hcl.Diagnostic {
	return errorDiag("Fleet too large",
		"Reading %s takes the fleet and variable files over %d MiB in all, more than one load reads. Remove files that are not part of the fleet from its directory, or make the fleet smaller (count and for_each describe many servers in a few lines).",
		name, maxFleetSize>>20)
}
