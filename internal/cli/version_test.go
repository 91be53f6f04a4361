package cli

import (
	"runtime/debug"
	"testing"
)

func TestReadBuildInfoTakesTheVCSStamp(t *testing.T) {
	got := readBuildInfo(&debug.BuildInfo{
		Main: debug.Module{Path: "github.com/vpsfleet/vpsfleet", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123abcd"},
			{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	})
	if got.Commit != "0123abcd" || got.CommitTime != "2026-12-01T10:00:00Z" || !got.Modified || got.Module != "github.com/vpsfleet/vpsfleet" {
		t.Errorf("readBuildInfo = %+v", got)
	}
	if none := readBuildInfo(nil); none.Commit != "" || none.Version == "" {
		t.Errorf("readBuildInfo(nil) = %+v", none)
	}
}

func TestIsRelease(t *testing.T) {
	for v, want := range map[string]bool{"v1.2.3": true, "(devel)": false, "v0.0.0-20261201-abcdef": false, "v1.0.0+dirty": false} {
		if got := isRelease(v); got != want {
			t.Errorf("isRelease(%q) = %v, want %v", v, got, want)
		}
	}
}
