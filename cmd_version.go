package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// buildVersion is set at link time (-ldflags "-X main.buildVersion=v1.2.3");
// otherwise the module version of the build, or "dev".
var buildVersion = ""

// version returns the version of this binary.
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

func runVersion(c *cli, args []string) int {
	fs := c.newFlagSet("version", "", "Print the vpsfleet version, the Go version and the platform.")
	if _, code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fmt.Fprintf(c.stdout, "vpsfleet %s (%s %s/%s)\n", version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}
