package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vpsfleet/vpsfleet/internal/atomicfile"
	"github.com/vpsfleet/vpsfleet/schema"
)

const fmtDescription = `
Rewrite fleet files (*.hcl, including *.vars.hcl) in the canonical format.
PATH is a file or a directory (default: the working directory); "-" formats
standard input to standard output. The names of rewritten files are printed.

With -check nothing is written: exit 0 when every file is formatted, 3 when
some are not (their names are printed), 1 on errors.`

var fmtCommand = &command{
	name:        "fmt",
	synopsis:    "Rewrite fleet files in the canonical format",
	usage:       "[-check] [-diff] [-recursive] [PATH...]",
	description: fmtDescription,
	flags: func(c *cli, fs *flag.FlagSet) func([]string) int {
		check := fs.Bool("check", false, "write nothing; exit 3 if any file needs formatting")
		diff := fs.Bool("diff", false, "print a unified diff of the changes")
		recursive := fs.Bool("recursive", false, "also format files in subdirectories")
		return func(pos []string) int { return c.runFmt(pos, *check, *diff, *recursive) }
	},
}

// runFmt formats the files at the paths pos (see fmtDescription).
func (c *cli) runFmt(pos []string, check, diff, recursive bool) int {
	if len(pos) == 0 {
		pos = []string{"."}
	}
	if len(pos) == 1 && pos[0] == "-" {
		return c.fmtStdin()
	}
	var files []string
	for _, p := range pos {
		found, err := fleetFilesIn(p, recursive)
		if err != nil {
			return c.errorf("%v", err)
		}
		files = append(files, found...)
	}
	status := exitOK
	for _, name := range files {
		src, diags := schema.ReadFleetFile(name)
		if diags.HasErrors() {
			c.diagnostics(nil, diags, false)
			status = exitError
			continue
		}
		out, diags := schema.Format(src, name)
		if diags.HasErrors() {
			c.diagnostics(nil, diags, false)
			status = exitError
			continue
		}
		if string(out) == string(src) {
			continue
		}
		fmt.Fprintln(c.stdout, name)
		if diff {
			fmt.Fprint(c.stdout, schema.UnifiedDiff(name, src, out))
		}
		if check {
			if status == exitOK {
				status = exitFmt
			}
			continue
		}
		if err := writeFileKeepMode(name, out); err != nil {
			c.errorf("%v", err)
			status = exitError
		}
	}
	return status
}

// fmtStdin formats standard input to standard output.
func (c *cli) fmtStdin() int {
	src, err := io.ReadAll(c.stdin)
	if err != nil {
		return c.errorf("reading standard input: %v", err)
	}
	out, diags := schema.Format(src, "<stdin>")
	if diags.HasErrors() {
		c.diagnostics(nil, diags, false)
		return exitError
	}
	c.stdout.Write(out)
	return exitOK
}

// fleetFilesIn lists the *.hcl files at path: the file itself, or those in
// the directory (and below, if recursive), sorted.
func fleetFilesIn(path string, recursive bool) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("no such file or directory: %s", path)
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != path && (!recursive || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(d.Name(), ".hcl") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// writeFileKeepMode replaces name's content atomically, keeping its mode.
func writeFileKeepMode(name string, data []byte) error {
	info, err := os.Stat(name)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(name, data, info.Mode().Perm())
}
