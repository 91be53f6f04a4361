package render

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply"

	"github.com/vpsfleet/vpsfleet/internal/golden"
)

func reportResult() *apply.Result {
	sec := time.Second
	return &apply.Result{
		Results: []apply.ServerResult{
			{Name: "db-old", Outcome: apply.OutcomeDone, ID: 12340, Elapsed: 3 * sec, Actions: []engine.Action{engine.ActionDelete}},
			{Name: "web-01", Outcome: apply.OutcomeDone, ID: 12350, Elapsed: 43 * sec, Actions: []engine.Action{engine.ActionReplace}},
			{Name: "web-03", Outcome: apply.OutcomeDone, ID: 12347, Elapsed: 42 * sec, Actions: []engine.Action{engine.ActionCreate}, Note: "adopted server 12347 after a lost answer"},
			{Name: "web-04", Outcome: apply.OutcomeFailed, Elapsed: 12 * sec, Actions: []engine.Action{engine.ActionCreate},
				Err: fmt.Errorf("timed out after 10m waiting for web-04 (id 12348) to become active (last status provisioning)")},
			{Name: "web-05", Outcome: apply.OutcomeInterrupted, ID: 12349, Elapsed: 5 * sec, Actions: []engine.Action{engine.ActionUpdate, engine.ActionStop}, Err: apply.ErrInterrupted},
			{Name: "web-09", Outcome: apply.OutcomeNotStarted, Actions: []engine.Action{engine.ActionCreate}, Err: apply.ErrCredits},
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
		result *apply.Result
		color  bool
	}{
		{"report_mixed.golden", reportResult(), false},
		{"report_mixed_color.golden", reportResult(), true},
		{"report_ok.golden", &apply.Result{Created: 1, Results: []apply.ServerResult{
			{Name: "web-01", Outcome: apply.OutcomeDone, ID: 12345, Elapsed: 4 * time.Second, Actions: []engine.Action{engine.ActionCreate}},
			{Name: "web-02", Outcome: apply.OutcomeDone, ID: 12346, Elapsed: time.Second, Actions: []engine.Action{engine.ActionUpdate, engine.ActionRename}},
		}}, false},
		{"report_duplicates.golden", &apply.Result{Created: 1, Results: []apply.ServerResult{
			{Name: "web-03", Outcome: apply.OutcomeDone, ID: 12350, Elapsed: 4 * time.Second, Actions: []engine.Action{engine.ActionCreate}},
		}, Duplicates: []apply.Duplicate{{Name: "web-03", IDs: []int64{12350, 12351}}}}, false},
		{"report_unauthorized.golden", &apply.Result{Unauthorized: true, InFlight: []string{"web-02"}, Results: []apply.ServerResult{
			{Name: "web-01", Outcome: apply.OutcomeFailed, Elapsed: time.Second, Actions: []engine.Action{engine.ActionCreate},
				Err: errors.New("creating web-01: POST /api/v1/servers/: 401 Unauthorized: Invalid token.")},
			{Name: "web-02", Outcome: apply.OutcomeNotStarted, Actions: []engine.Action{engine.ActionCreate}, Err: apply.ErrUnauthorized},
		}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			if err := Report(&out, tt.result, tt.color); err != nil {
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
	if err := Report(&bytes.Buffer{}, nil, false); err == nil {
		t.Error("nil result: no error")
	}
}

func TestApplyLinesStayOneLine(t *testing.T) {
	t.Parallel()
	multi := errors.Join(apply.ErrAbandoned, errors.New("POST /api/v1/servers/: no answer"))
	tests := []struct {
		name  string
		write func(*bytes.Buffer)
		want  int // lines written
	}{
		{"report", func(b *bytes.Buffer) {
			_ = Report(b, &apply.Result{Results: []apply.ServerResult{{Name: "web-01", Outcome: apply.OutcomeInterrupted, Err: multi}}}, false)
		}, 2}, // the server's line and the summary
		{"line progress fail", func(b *bytes.Buffer) {
			NewLineProgress(b, nil).Event(apply.Event{Server: "web-01", Kind: apply.EventFail, Action: engine.ActionCreate, Err: multi})
		}, 1},
		{"line progress skip", func(b *bytes.Buffer) {
			NewLineProgress(b, nil).Event(apply.Event{Server: "web-01", Kind: apply.EventSkip, Err: multi})
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
