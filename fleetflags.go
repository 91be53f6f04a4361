package main

import (
	"flag"

	"github.com/hashicorp/hcl/v2"

	"github.com/vpsfleet/vpsfleet/schema"
)

// fleetFlags are the flags of every command that reads fleet files.
type fleetFlags struct {
	vars     stringList
	varFiles stringList
	noColor  bool
}

// register adds -var, -var-file and -no-color to fs.
func (f *fleetFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.vars, "var", "set a variable to a value, as `name=value` (repeatable; wins over -var-file and VPSFLEET_VAR_name)")
	fs.Var(&f.varFiles, "var-file", "read variables from a *.vars.hcl `file` (repeatable; later files win)")
	fs.BoolVar(&f.noColor, "no-color", false, "no colour in the output (also: NO_COLOR set)")
}

// readFleet loads the fleet at path ("" = the working directory) with the
// variables of f, printing nothing.
func (c *cli) readFleet(path string, f fleetFlags) (*schema.Fleet, hcl.Diagnostics) {
	if path == "" {
		path = "."
	}
	return schema.Load(path, schema.LoadOptions{Vars: f.vars, VarFiles: f.varFiles, Environ: c.environ})
}

// load reads the fleet at path ("" = the working directory), printing
// every diagnostic; it returns nil when there were errors.
func (c *cli) load(path string, f fleetFlags) *schema.Fleet {
	fleet, diags := c.readFleet(path, f)
	var files map[string]*hcl.File
	if fleet != nil {
		files = fleet.Files
	}
	if c.diagnostics(files, diags, f.noColor) || fleet == nil {
		return nil
	}
	return fleet
}
