package apply

import (
	"strings"
	"testing"
)

func TestRandomTempName(t *testing.T) {
	t.Parallel()
	tests := []struct{ name string }{{"web-01"}, {strings.Repeat("a", 63)}, {strings.Repeat("b", 55)}}
	for _, tt := range tests {
		got := randomTempName(tt.name)
		if len(got) > 63 || !strings.Contains(got, "-cbd-") || len(got) < len("-cbd-")+4 {
			t.Errorf("randomTempName(%q) = %q", tt.name, got)
		}
		if !strings.HasPrefix(got, tt.name[:min(len(tt.name), 63-9)]) {
			t.Errorf("randomTempName(%q) = %q, want the name as prefix", tt.name, got)
		}
	}
}
