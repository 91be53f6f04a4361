package render

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply"
	"github.com/vpsfleet/vpsfleet/internal/golden"
)

// rolloutScript is the first batch of a rollout of web (4 replacements,
// 2 at a time): web-01 is replaced and passes its health check, web-02's
// check fails, and the rollout stops: web-03 and web-04 are not started.
func rolloutScript() []scriptStep {
	s := func(d time.Duration, e apply.Event) scriptStep { return scriptStep{d, e} }
	sec := time.Second
	b1 := apply.Batch{Group: "web", Number: 1, Of: 2}
	b2 := apply.Batch{Group: "web", Number: 2, Of: 2}
	hcErr := &apply.HealthCheckError{Name: "web-02", ID: 12351, Command: []string{"./check.sh"}, Attempts: 2,
		Last: fmt.Errorf("it exited with status 1"), Output: "HTTP 503"}
	stopped := fmt.Errorf("%w: 1 server (web-02) failed in web's rollout (batch 1 of 2), more than max_failures 0 allows", apply.ErrRolloutStopped)
	var out []scriptStep
	out = append(out, s(0, apply.Event{Kind: apply.EventBatch, Batch: b1, Servers: []string{"web-01", "web-02"}}))
	for i, name := range []string{"web-01", "web-02"} {
		old, id := int64(12346+i), int64(12350+i)
		out = append(out,
			s(0, apply.Event{Server: name, Kind: apply.EventStart, Action: engine.ActionDelete, ID: old, Batch: b1}),
			s(sec, apply.Event{Server: name, Kind: apply.EventDone, Action: engine.ActionDelete, Elapsed: sec, ID: old, Batch: b1}),
			s(0, apply.Event{Server: name, Kind: apply.EventStart, Action: engine.ActionCreate, Batch: b1}),
			s(4*sec, apply.Event{Server: name, Kind: apply.EventDone, Action: engine.ActionCreate, Elapsed: 4 * sec, ID: id, Batch: b1}),
			s(0, apply.Event{Server: name, Kind: apply.EventStart, Action: apply.StepHealthCheck, ID: id, Note: "./check.sh", Batch: b1}),
		)
	}
	out = append(out,
		s(sec, apply.Event{Server: "web-01", Kind: apply.EventDone, Action: apply.StepHealthCheck, Elapsed: sec, ID: 12350, Batch: b1}),
		s(0, apply.Event{Server: "web-01", Kind: apply.EventComplete, Elapsed: 6 * sec, ID: 12350, Outcome: apply.OutcomeDone, Batch: b1}),
		s(5*sec, apply.Event{Server: "web-02", Kind: apply.EventFail, Action: apply.StepHealthCheck, Elapsed: 6 * sec, ID: 12351, Outcome: apply.OutcomeFailed, Err: hcErr, Batch: b1}),
		s(0, apply.Event{Server: "web-03", Kind: apply.EventSkip, Outcome: apply.OutcomeNotStarted, Err: stopped, Batch: b2}),
		s(0, apply.Event{Server: "web-04", Kind: apply.EventSkip, Outcome: apply.OutcomeNotStarted, Err: stopped, Batch: b2}),
	)
	return out
}

// rolloutPlan is the plan rolloutScript runs.
func rolloutPlan() *engine.Plan {
	p := &engine.Plan{FormatVersion: engine.FormatVersion, Groups: []engine.Group{{Label: "web", Servers: 4,
		Rollout: &engine.Rollout{MaxUnavailable: 2, Written: "2", Changes: 4, Batches: 2, BatchSize: 2,
			HealthCheck: &engine.HealthCheck{Command: []string{"./check.sh"}, Timeout: 10 * time.Second, Interval: time.Second, Retries: 1}}}}}
	for i := 1; i <= 4; i++ {
		name := fmt.Sprintf("web-%02d", i)
		p.Changes = append(p.Changes, engine.Change{Name: name, Group: "web", Batch: (i + 1) / 2, Actions: []engine.Action{engine.ActionReplace},
			Before: &engine.ServerState{ID: int64(12345 + i), Name: name, PlanID: 1, OSID: 5, Location: "us-west", Power: "on", Status: "active"},
			After:  &engine.ServerState{Name: name, PlanID: 2, OSID: 5, Location: "us-west", Power: "on"}, Reason: "plan_id 1 → 2 forces replacement"})
	}
	p.Summary = engine.Summary{Replace: 4}
	return p
}

// rolloutResult is how rolloutScript ends.
func rolloutResult() *apply.Result {
	res := &apply.Result{Created: 2}
	for _, st := range rolloutScript() {
		e := st.e
		if e.Kind != apply.EventComplete && e.Kind != apply.EventFail && e.Kind != apply.EventSkip {
			continue
		}
		res.Results = append(res.Results, apply.ServerResult{Name: e.Server, Outcome: e.Outcome, Err: e.Err, ID: e.ID, Elapsed: e.Elapsed,
			Actions: []engine.Action{engine.ActionReplace}, Batch: e.Batch})
	}
	return res
}

// TestRolloutViewsGolden: the line progress, the event stream and the
// report of a rollout name each server's batch, the batches that begin,
// the health checks and why the rest was not started.
func TestRolloutViewsGolden(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	var lines, stream bytes.Buffer
	p := NewLineProgress(&lines, clock.now)
	s := NewEventStream(&stream, clock.now)
	s.Plan(rolloutPlan())
	for _, st := range rolloutScript() {
		clock.advance(st.after)
		p.Event(st.e)
		s.Event(st.e)
	}
	res := rolloutResult()
	s.Report(res)
	s.Exit(1, "")
	golden.Check(t, filepath.Join(goldenDir, "apply", "line_progress_rollout.golden"), lines.Bytes())
	golden.Check(t, filepath.Join(goldenDir, "events", "apply_rollout.jsonl"), stream.Bytes())
	var report bytes.Buffer
	if err := Report(&report, res, ReportOptions{}); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join(goldenDir, "apply", "report_rollout.golden"), report.Bytes())
	for _, want := range []string{"Rollout of web: batch 1 of 2 begins (web-01, web-02)", "web-01: Checking health... [id=12350, ./check.sh]", "web-01: Health check complete after 1s"} {
		if !strings.Contains(lines.String(), want) {
			t.Errorf("the progress lines lack %q:\n%s", want, lines.String())
		}
	}
	if !strings.Contains(report.String(), "web-03: not started (replace) (batch 2 of 2 of web): rollout stopped") {
		t.Errorf("the report does not say why web-03 was not started:\n%s", report.String())
	}
	decoded := decodeStream(t, stream.Bytes())
	batches := 0
	for _, l := range decoded {
		if l["type"] == EventTypeBatch {
			batches++
		}
	}
	if batches != 1 {
		t.Errorf("%d batch lines, want 1", batches)
	}
}

// TestRebootReport: the report of vpsfleet reboot speaks of rebooting.
func TestRebootReport(t *testing.T) {
	t.Parallel()
	reboot := []engine.Action{engine.ActionReboot}
	for _, tt := range []struct {
		res  *apply.Result
		want string
	}{
		{&apply.Result{Results: []apply.ServerResult{{Name: "web-01", Outcome: apply.OutcomeDone, Actions: reboot}, {Name: "web-02", Outcome: apply.OutcomeDone, Actions: reboot}}},
			"Reboot complete! 2 servers rebooted."},
		{&apply.Result{Results: []apply.ServerResult{{Name: "web-01", Outcome: apply.OutcomeDone, Actions: reboot}, {Name: "web-02", Outcome: apply.OutcomeFailed, Actions: reboot}}},
			"Reboot failed. 1 of 2 servers rebooted; 1 failed."},
	} {
		var out bytes.Buffer
		if err := Report(&out, tt.res, ReportOptions{Reboot: true}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), tt.want) {
			t.Errorf("report %q lacks %q", out.String(), tt.want)
		}
	}
	p := engine.NewPlan(engine.Change{Name: "web-01", Actions: reboot,
		Before: &engine.ServerState{ID: 1, Name: "web-01", Power: "on", Status: "active"}, After: &engine.ServerState{Name: "web-01", Power: "on"}})
	if got, want := SummaryLine(p), "Plan: 0 to create, 0 to update, 0 to replace, 0 to delete, 0 power changes, 1 to reboot."; got != want {
		t.Errorf("SummaryLine %q, want %q", got, want)
	}
}
