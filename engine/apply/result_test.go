package apply

import (
	"strings"
	"testing"
	"time"
)

func TestApplyResultOK(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		r    *Result
		want bool
	}{
		{"nil", nil, false},
		{"empty", &Result{}, true},
		{"all done", &Result{Results: []ServerResult{{Outcome: OutcomeDone}, {Outcome: OutcomeDone}}}, true},
		{"one not started", &Result{Results: []ServerResult{{Outcome: OutcomeDone}, {Outcome: OutcomeNotStarted}}}, false},
		{"one interrupted", &Result{Results: []ServerResult{{Outcome: OutcomeInterrupted}}}, false},
	}
	for _, tt := range tests {
		if got := tt.r.OK(); got != tt.want {
			t.Errorf("%s: OK() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestRandomTempName(t *testing.T) {
	t.Parallel()
	tests := []struct{ name string }{{"web-01"}, {strings.Repeat("a", 63)}, {strings.Repeat("b", 55)}}
	for _, tt := range tests {
		got := randomTempName(tt.name)
		if len(got) > maxNameLen || !strings.Contains(got, "-cbd-") || len(got) < len("-cbd-")+4 {
			t.Errorf("randomTempName(%q) = %q", tt.name, got)
		}
		if !strings.HasPrefix(got, tt.name[:min(len(tt.name), maxNameLen-9)]) {
			t.Errorf("randomTempName(%q) = %q, want the name as prefix", tt.name, got)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    time.Duration
		want string
	}{
		{10 * time.Minute, "10m"},
		{time.Hour, "1h"},
		{90 * time.Minute, "1h30m"},
		{42 * time.Second, "42s"},
		{1500 * time.Millisecond, "2s"},
		{20 * time.Millisecond, "20ms"},
	}
	for _, tt := range tests {
		if got := formatDuration(tt.d); got != tt.want {
			t.Errorf("formatDuration(%s) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
