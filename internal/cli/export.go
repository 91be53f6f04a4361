package cli

import (
	"flag"
	"fmt"
	"os"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
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
	usage:       "[-match GLOB]... [-out FILE] [-parallelism N]",
	description: exportDescription,
	flags: func(c *cli, fs *flag.FlagSet) func([]string) int {
		var af accountFlags
		var match stringList
		af.register(fs)
		fs.Var(&match, "match", "only servers whose name matches this `GLOB`, e.g. 'web-*' (repeatable)")
		out := fs.String("out", "", "write to `FILE` instead of standard output")
		parallelism := fs.Int("parallelism", 10, "API requests in flight")
		return func(pos []string) int { return c.runExport(pos, af, match, *out, *parallelism) }
	},
}

// runExport writes the fleet HCL of the account's servers (see
// exportDescription).
func (c *cli) runExport(pos []string, af accountFlags, match stringList, out string, parallelism int) int {
	if len(pos) > 0 {
		return c.errorf("export takes no arguments (use -match GLOB to choose servers), got %q.", pos)
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
	if out == "" {
		c.stdout.Write(hcl)
		return exitOK
	}
	if err := os.WriteFile(out, hcl, 0o644); err != nil {
		return c.errorf("%v", err)
	}
	fmt.Fprintf(c.stderr, "Wrote %d server(s) to %s.\n", len(servers), out)
	return exitOK
}
