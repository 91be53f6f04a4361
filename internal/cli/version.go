package cli

import (
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/vpsfleet/vpsfleet/api"
)

var versionCommand = &command{
	name:        "version",
	synopsis:    "Print the vpsfleet version",
	usage:       "[-json]",
	description: "Print the vpsfleet version, the commit it was built from, the Go version and the platform.",
	flags: func(c *cli, fs *flag.FlagSet) func([]string) int {
		asJSON := fs.Bool("json", false, "print the version as one JSON object")
		return func(args []string) int {
			if len(args) > 0 {
				return c.errorf("version takes no arguments, got %q.", args)
			}
			bi, _ := debug.ReadBuildInfo()
			info := readBuildInfo(bi)
			if *asJSON {
				if err := printJSON(c.stdout, info); err != nil {
					return c.errorf("%v", err)
				}
				return exitOK
			}
			fmt.Fprintf(c.stdout, "vpsfleet %s (%s %s/%s)\n", info.Version, info.Go, info.OS, info.Arch)
			if info.Commit != "" {
				dirty := ""
				if info.Modified {
					dirty = ", with uncommitted changes"
				}
				fmt.Fprintf(c.stdout, "commit %s (%s%s)\n", info.Commit, info.CommitTime, dirty)
			}
			return exitOK
		}
	},
}

// buildInfo is what `version -json` prints.
type buildInfo struct {
	// Version is the module version when installed with
	// "go install ...@vX", else the release in the source.
	Version string `json:"version"`
	// Module is the module path.
	Module string `json:"module"`
	// Commit, CommitTime and Modified come from the VCS stamp of the build
	// ("" and false when the binary was built without one).
	Commit     string `json:"commit,omitempty"`
	CommitTime string `json:"commit_time,omitempty"`
	Modified   bool   `json:"modified,omitempty"`
	Go         string `json:"go"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
}

// readBuildInfo reads the version and VCS stamp of this binary from info
// (nil when the binary carries none).
func readBuildInfo(info *debug.BuildInfo) buildInfo {
	b := buildInfo{Version: version(), Module: "github.com/vpsfleet/vpsfleet", Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if info == nil {
		return b
	}
	if info.Main.Path != "" {
		b.Module = info.Main.Path
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.time":
			b.CommitTime = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// version returns the version of this binary: the module version when it
// was installed with "go install ...@vX", else the release in the source.
func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && isRelease(info.Main.Version) {
		return strings.TrimPrefix(info.Main.Version, "v")
	}
	return api.Version
}

// isRelease reports whether v is a tagged module version ("v1.2.3"), not a
// pseudo-version stamped from a commit or "(devel)".
func isRelease(v string) bool {
	return strings.HasPrefix(v, "v") && !strings.Contains(v, "-") && !strings.Contains(v, "+")
}
