package cli

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/internal/atomicfile"
	"github.com/vpsfleet/vpsfleet/schema"
)

const exportDescription = `
Write fleet HCL for the servers of the live account: one server block each,
sorted by name, with its id, status and address as a comment. The result
validates and plans to no change against the same account, which is how
existing servers come under management: export, review, commit, then add a
fleet { owns = [...] } block when vpsfleet should also delete what is gone.`

var exportCommand = &command{
	name:        "export",
	synopsis:    "Write fleet HCL for the servers of the live account",
	usage:       "[-match GLOB]... [-out FILE [-force]] [-parallelism N]",
	description: exportDescription,
	flags: func(c *cli, fs *flag.FlagSet) func([]string) int {
		var af accountFlags
		var match stringList
		af.register(fs)
		fs.Var(&match, "match", "only servers whose name matches this `GLOB`, e.g. 'web-*' (repeatable)")
		var o exportOutput
		fs.StringVar(&o.path, "out", "", "write to `FILE` instead of standard output; an existing FILE is kept unless -force is given")
		fs.BoolVar(&o.force, "force", false, "with -out: replace FILE if it exists")
		parallelism := fs.Int("parallelism", 10, "API requests in flight")
		return func(pos []string) int { return c.runExport(pos, af, match, o, *parallelism) }
	},
}

// runExport writes the fleet HCL of the account's servers (see
// exportDescription).
func (c *cli) runExport(pos []string, af accountFlags, match stringList, out exportOutput, parallelism int) int {
	if len(pos) > 0 {
		return c.errorf("export takes no arguments (use -match GLOB to choose servers), got %q.", pos)
	}
	if out.force && out.path == "" {
		return c.errorf("-force replaces the file of -out FILE; give -out too, or leave -force out to write to standard output.")
	}
	// Refuse before reading the account; the write checks again.
	if err := out.check(); err != nil {
		return c.errorf("%v", err)
	}
	if err := checkParallelism(parallelism); err != nil {
		return c.errorf("%v", err)
	}
	if err := checkGlobs("-match", match); err != nil {
		return c.errorf("%v", err)
	}
	af.parallelism = parallelism
	af.readOnly = true // export changes nothing: it may read a sandbox an apply holds
	conn, err := c.connect(af)
	if err != nil {
		return c.errorf("%v", err)
	}
	defer conn.Close()
	ctx, stop := signalContext()
	defer stop()
	globs := schema.GlobSet(match)
	servers, err := engine.ReadDetailed(ctx, conn.client, func(s api.Server) bool {
		return len(globs) == 0 || globs.MatchesAny(s.Name)
	}, parallelism)
	if err != nil {
		return c.errorf("reading the account at %s: %v", conn.endpoint, accountError(conn.endpoint, err))
	}
	hcl, err := schema.Export(engine.ExportServers(servers))
	if err != nil {
		return c.errorf("%v", err)
	}
	if out.path == "" {
		c.stdout.Write(hcl)
		return exitOK
	}
	if err := out.write(hcl); err != nil {
		return c.errorf("%v", err)
	}
	fmt.Fprintf(c.stderr, "Wrote %d server(s) to %s.\n", len(servers), out.path)
	return exitOK
}

// exportOutput is where export writes: -out FILE ("" = standard output),
// and whether -force lets it replace an existing file.
type exportOutput struct {
	path  string
	force bool
}

// check refuses, before anything is read, a -out FILE that exists when
// -force is not given.
func (o exportOutput) check() error {
	if o.path == "" || o.force {
		return nil
	}
	if _, err := os.Lstat(o.path); err == nil {
		return o.exists()
	}
	return nil
}

// exists is the refusal to replace the file at o.path.
func (o exportOutput) exists() error {
	return fmt.Errorf("%s already exists; nothing was written.\nGive -force to replace it, or another -out FILE.", o.path)
}

// write writes data to o.path: with -force by replacing the file
// atomically, else only if no file of that name exists (checked as the
// file is created, so a file made meanwhile is not overwritten either).
func (o exportOutput) write(data []byte) error {
	if o.force {
		return atomicfile.WriteFile(o.path, data, 0o644)
	}
	f, err := os.OpenFile(o.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return o.exists()
	}
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if err = errors.Join(err, f.Close()); err != nil {
		os.Remove(o.path) // a file that was made here and is incomplete
		return fmt.Errorf("writing %s: %w", o.path, err)
	}
	return nil
}
