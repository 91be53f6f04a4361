package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/vpsfleet/vpsfleet/api"
)

// version returns the version of this binary: the module version when it
// was installed with "go install ...@vX", else the release in the source.
func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && isRelease(info.Main.Version) {
		return strings.TrimPrefix(info.Main.Version, "v")
	}
	return api.Version
}

func runVersion(c *cli, args []string) int {
	fs := c.newFlagSet("version", "", "Print the vpsfleet version, the Go version and the platform.")
	if _, code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fmt.Fprintf(c.stdout, "vpsfleet %s (%s %s/%s)\n", version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}

// isRelease reports whether v is a tagged module version ("v1.2.3"), not a
// pseudo-version stamped from a commit or "(devel)".
func isRelease(v string) bool {
	return strings.HasPrefix(v, "v") && !strings.Contains(v, "-") && !strings.Contains(v, "+")
}
