package cli

import (
	"github.com/hashicorp/hcl/v2"

	"github.com/vpsfleet/vpsfleet/schema"
)

// readFleet loads the fleet at path ("" = the working directory) with the
// variables of f, printing nothing.
func (c *cli) readFleet(path string, f fleetFlags) (*schema.Fleet, hcl.Diagnostics) {
	if path == "" {
		path = "."
	}
	return schema.Load(path, schema.LoadOptions{Options: f.varOptions, Environ: c.environ, Validate: f.validate})
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
