package engine

import (
	"strings"
	"testing"
)

func TestTempName(t *testing.T) {
	long := strings.Repeat("a", 63)
	for _, tt := range []struct {
		tmp, name string
		want      bool
	}{
		{TempName("web-01", "x7k2"), "web-01", true},
		{"web-01-cbd-x7k2", "web-01", true},
		{"web-01-cbd-X7K2", "web-01", false},
		{"web-01-cbd-x7k", "web-01", false},
		{"web-01-cbd-x7k2", "web-02", false},
		{"web-01-old-x7k2", "web-01", false},
		{TempName(long, "0000"), long, true},
		{"web-01", "web-01", false},
	} {
		if got := IsTempName(tt.tmp, tt.name); got != tt.want {
			t.Errorf("IsTempName(%q, %q) = %v, want %v", tt.tmp, tt.name, got, tt.want)
		}
	}
	if n := len(TempName(long, "abcd")); n != 63 {
		t.Errorf("TempName of a 63-character name has %d characters", n)
	}
}
