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
		{"report_destroy_ok.golden", destroyResult(apply.OutcomeDone), false},
		{"report_destroy_failed.golden", destroyResult(apply.OutcomeFailed), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			opts := ReportOptions{Color: tt.color, Destroy: strings.Contains(tt.name, "destroy")}
			if err := Report(&out, tt.result, opts); err != nil {
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

// destroyResult is a destroy of three servers, the last of which ends
// with outcome last.
func destroyResult(last apply.Outcome) *apply.Result {
	del := []engine.Action{engine.ActionDelete}
	r := &apply.Result{Results: []apply.ServerResult{
		{Name: "web-01", Outcome: apply.OutcomeDone, ID: 12345, Elapsed: 2 * time.Second, Actions: del},
		{Name: "web-02", Outcome: apply.OutcomeDone, ID: 12346, Elapsed: 2 * time.Second, Actions: del},
		{Name: "web-03", Outcome: last, ID: 12347, Elapsed: 3 * time.Second, Actions: del},
	}}
	if last == apply.OutcomeFailed {
		r.Results[2].Err = errors.New("deleting web-03: DELETE /api/v1/servers/12347/: 404 Not Found: Not found.")
	}
	return r
}

// TestReportCountsEveryKindOfChange: the summary of an apply counts every
// change by its kind, as the plan's summary line does, so that the two
// agree: a stop, a delete, a replace and two updates (one of them with a
// rename, which is one change) are not "1 server created". A destroy
// speaks of destroying, never of creating.
func TestReportCountsEveryKindOfChange(t *testing.T) {
	t.Parallel()
	changes := []engine.Change{
		{Name: "web-01", Actions: []engine.Action{engine.ActionStop}},
		{Name: "web-02", Actions: []engine.Action{engine.ActionDelete}},
		{Name: "web-03", Actions: []engine.Action{engine.ActionReplace}},
		{Name: "web-04", Actions: []engine.Action{engine.ActionUpdate}},
		{Name: "web-05", Actions: []engine.Action{engine.ActionRename, engine.ActionUpdate}},
		{Name: "web-06", Actions: []engine.Action{engine.ActionRename}},
		{Name: "web-07", Actions: []engine.Action{engine.ActionCreate, engine.ActionStop}},
	}
	res := &apply.Result{Created: 2}
	for _, c := range changes {
		res.Results = append(res.Results, apply.ServerResult{Name: c.Name, Outcome: apply.OutcomeDone, Actions: c.Actions})
	}
	var out bytes.Buffer
	if err := Report(&out, res, ReportOptions{}); err != nil {
		t.Fatal(err)
	}
	plan := SummaryLine(engine.NewPlan(changes...))
	want := "Apply complete! 1 created, 2 updated, 1 replaced, 1 deleted, 2 power changes, 1 renamed.\n"
	if !strings.HasSuffix(out.String(), want) {
		t.Errorf("report ends:\n%s\nwant %q", out.String(), want)
	}
	if wantPlan := "Plan: 1 to create, 2 to update, 1 to replace, 1 to delete, 2 power changes, 1 to rename."; plan != wantPlan {
		t.Errorf("plan summary %q, want %q", plan, wantPlan)
	}

	// Not all done: how many of the changes, and what became of the rest.
	res.Results[0].Outcome, res.Results[0].Err = apply.OutcomeFailed, errors.New("boom")
	res.Results[3].Outcome, res.Results[3].Err = apply.OutcomeNotStarted, apply.ErrCredits
	out.Reset()
	if err := Report(&out, res, ReportOptions{}); err != nil {
		t.Fatal(err)
	}
	want = "Apply failed. 5 of 7 changes done (1 created, 1 updated, 1 replaced, 1 deleted, 1 power change, 1 renamed); 1 failed, 1 not started.\n"
	if !strings.HasSuffix(out.String(), want) {
		t.Errorf("report ends:\n%s\nwant %q", out.String(), want)
	}

	for _, r := range []*apply.Result{destroyResult(apply.OutcomeDone), destroyResult(apply.OutcomeFailed), destroyResult(apply.OutcomeInterrupted)} {
		out.Reset()
		if err := Report(&out, r, ReportOptions{Destroy: true}); err != nil {
			t.Fatal(err)
		}
		if s := out.String(); strings.Contains(s, "Apply") || strings.Contains(s, "created") || !strings.Contains(s, "Destroy ") || !strings.Contains(s, "destroyed") {
			t.Errorf("destroy report:\n%s", s)
		}
	}
}

func TestWriteApplyReportNil(t *testing.T) {
	t.Parallel()
	if err := Report(&bytes.Buffer{}, nil, ReportOptions{}); err == nil {
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
			_ = Report(b, &apply.Result{Results: []apply.ServerResult{{Name: "web-01", Outcome: apply.OutcomeInterrupted, Err: multi}}}, ReportOptions{})
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
