package cli

import (
	"flag"
	"fmt"

	"github.com/vpsfleet/vpsfleet/schema"
)

var validateCommand = &command{
	name:        "validate",
	synopsis:    "Check fleet files and report every problem",
	usage:       "[-var k=v] [-var-file F] [-json] [PATH]",
	description: "Check the fleet files in PATH (a directory, default the working directory, or one file) and report every problem with file:line:col. Variables that have no value (no default, -var, -var-file, *.auto.vars.hcl or VPSFLEET_VAR_name) are checked for their type only, as terraform validate does. Exit 0 when valid, 1 otherwise. The live account is not read.",
	flags: func(c *cli, fs *flag.FlagSet) func([]string) int {
		ff := fleetFlags{validate: true}
		ff.register(fs)
		asJSON := fs.Bool("json", false, "print the diagnostics as one JSON document (for editors and CI)")
		return func(pos []string) int {
			path, ok := c.atMostOne("validate", pos)
			if !ok {
				return exitError
			}
			if *asJSON {
				fleet, diags := c.readFleet(path, ff)
				c.stdout.Write(schema.DiagnosticsJSON(diags))
				if diags.HasErrors() || fleet == nil {
					return exitError
				}
				return exitOK
			}
			fleet := c.load(path, ff)
			if fleet == nil {
				return exitError
			}
			if fleet.Partial {
				fmt.Fprintf(c.stdout, "Success! The fleet is valid. Some values depend on variables that have no value here; they were checked for their type only, and the servers they decide are not counted (%d server(s) counted).\n", len(fleet.Servers))
				return exitOK
			}
			fmt.Fprintf(c.stdout, "Success! The fleet is valid: %d server(s), %d owns pattern(s), %d moved block(s).\n",
				len(fleet.Servers), len(fleet.Owns), len(fleet.Moves))
			return exitOK
		}
	},
}
