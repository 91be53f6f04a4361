package engine

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/internal/golden"
)

func reportResult() *ApplyResult {
	sec := time.Second
	return &ApplyResult{
		Results: []ServerResult{
			{Name: "db-old", Outcome: OutcomeDone, ID: 12340, Elapsed: 3 * sec, Actions: []Action{ActionDelete}},
			{Name: "web-01", Outcome: OutcomeDone, ID: 12350, Elapsed: 43 * sec, Actions: []Action{ActionReplace}},
			{Name: "web-03", Outcome: OutcomeDone, ID: 12347, Elapsed: 42 * sec, Actions: []Action{ActionCreate}, Note: "adopted server 12347 after a lost answer"},
			{Name: "web-04", Outcome: OutcomeFailed, Elapsed: 12 * sec, Actions: []Action{ActionCreate},
				Err: fmt.Errorf("timed out after 10m waiting for web-04 (id 12348) to become active (last status provisioning)")},
			{Name: "web-05", Outcome: OutcomeInterrupted, ID: 12349, Elapsed: 5 * sec, Actions: []Action{ActionUpdate, ActionStop}, Err: errInterrupted},
			{Name: "web-09", Outcome: OutcomeNotStarted, Actions: []Action{ActionCreate}, Err: errCredits},
		},
		Created:          2,
		Interrupted:      true,
		CreditsExhausted: true,
	}
}

func TestWriteApplyReportGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		result *ApplyResult
		color  bool
	}{
		{"report_mixed.golden", reportResult(), false},
		{"report_mixed_color.golden", reportResult(), true},
		{"report_ok.golden", &ApplyResult{Created: 1, Results: []ServerResult{
			{Name: "web-01", Outcome: OutcomeDone, ID: 12345, Elapsed: 4 * time.Second, Actions: []Action{ActionCreate}},
			{Name: "web-02", Outcome: OutcomeDone, ID: 12346, Elapsed: time.Second, Actions: []Action{ActionUpdate, ActionRename}},
		}}, false},
		{"report_unauthorized.golden", &ApplyResult{Unauthorized: true, inFlight: []string{"web-02"}, Results: []ServerResult{
			{Name: "web-01", Outcome: OutcomeFailed, Elapsed: time.Second, Actions: []Action{ActionCreate},
				Err: errors.New("creating web-01: POST /api/v1/servers/: 401 Unauthorized: Invalid token.")},
			{Name: "web-02", Outcome: OutcomeNotStarted, Actions: []Action{ActionCreate}, Err: errUnauthorized},
		}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			if err := WriteApplyReport(&out, tt.result, tt.color); err != nil {
				t.Fatal(err)
			}
			if !tt.color && strings.Contains(out.String(), "\x1b") {
				t.Error("escape codes without colour")
			}
			got := strings.ReplaceAll(out.String(), "\x1b", `\e`)
			golden.Check(t, filepath.Join(goldenDir, "apply", tt.name), []byte(got))
			if lines := strings.Count(out.String(), "\n"); lines <= len(tt.result.Results) {
				t.Errorf("%d lines, want one per server and a summary", lines)
			}
		})
	}
}

func TestWriteApplyReportNil(t *testing.T) {
	t.Parallel()
	if err := WriteApplyReport(&bytes.Buffer{}, nil, false); err == nil {
		t.Error("nil result: no error")
	}
}

func TestApplyResultOK(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		r    *ApplyResult
		want bool
	}{
		{"nil", nil, false},
		{"empty", &ApplyResult{}, true},
		{"all done", &ApplyResult{Results: []ServerResult{{Outcome: OutcomeDone}, {Outcome: OutcomeDone}}}, true},
		{"one not started", &ApplyResult{Results: []ServerResult{{Outcome: OutcomeDone}, {Outcome: OutcomeNotStarted}}}, false},
		{"one interrupted", &ApplyResult{Results: []ServerResult{{Outcome: OutcomeInterrupted}}}, false},
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

func TestApplyLinesStayOneLine(t *testing.T) {
	t.Parallel()
	multi := errors.Join(errAbandoned, errors.New("POST /api/v1/servers/: no answer"))
	tests := []struct {
		name  string
		write func(*bytes.Buffer)
		want  int // lines written
	}{
		{"report", func(b *bytes.Buffer) {
			_ = WriteApplyReport(b, &ApplyResult{Results: []ServerResult{{Name: "web-01", Outcome: OutcomeInterrupted, Err: multi}}}, false)
		}, 2}, // the server's line and the summary
		{"line progress fail", func(b *bytes.Buffer) {
			NewLineProgress(b, nil).Event(Event{Server: "web-01", Kind: EventFail, Action: ActionCreate, Err: multi})
		}, 1},
		{"line progress skip", func(b *bytes.Buffer) {
			NewLineProgress(b, nil).Event(Event{Server: "web-01", Kind: EventSkip, Err: multi})
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			tt.write(&b)
			if n := strings.Count(b.String(), "\n"); n != tt.want || !strings.Contains(b.String(), "abandoned: apply was cancelled") {
				t.Errorf("%d lines, want %d:\n%s", n, tt.want, b.String())
			}
		})
	}
}
