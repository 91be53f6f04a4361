package apply

import (
	"testing"
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
