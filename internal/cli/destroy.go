package cli

import "flag"

const destroyDescription = `
Delete every live server that the fleet in PATH declares. Servers under
lifecycle.prevent_destroy or matched by fleet.protect are kept, and named.
Servers the fleet does not declare are never touched. Destroy locks the
servers it deletes as apply does.`

var destroyCommand = &command{
	name:        "destroy",
	synopsis:    "Delete every server the fleet declares",
	usage:       "[-auto-approve] [-json] [-target GLOB] [-var k=v] [-var-file F] [-lock-url URL] [-lock-timeout D] [-endpoint E] [PATH]",
	description: destroyDescription,
	flags: func(c *cli, fs *flag.FlagSet) func([]string) int {
		var af applyFlags
		af.register(fs)
		return func(pos []string) int {
			return c.withEvents(af.json, func(c *cli) int {
				arg, code, ok := c.applyArg("destroy", pos, af)
				if !ok {
					return code
				}
				return c.applyFleet(arg, af, destroyOperation)
			})
		}
	},
}
