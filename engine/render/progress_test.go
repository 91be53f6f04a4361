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

// fakeClock is a clock tests move by hand.
type fakeClock struct{ t time.Time }

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// scriptStep is an event emitted after the clock moved by after.
type scriptStep struct {
	after time.Duration
	e     apply.Event
}

// progressScript is an apply of four servers: a create that takes 42s, a
// delete, a create_before_destroy replace, and a create that fails.
func progressScript() []scriptStep {
	s := func(d time.Duration, e apply.Event) scriptStep { return scriptStep{d, e} }
	sec := time.Second
	return []scriptStep{
		s(0, apply.Event{Server: "web-03", Kind: apply.EventStart, Action: engine.ActionCreate}),
		s(0, apply.Event{Server: "db-old", Kind: apply.EventStart, Action: engine.ActionDelete, ID: 12340}),
		s(0, apply.Event{Server: "web-01", Kind: apply.EventStart, Action: engine.ActionCreate, Note: "temporary name web-01-cbd-x7k2"}),
		s(0, apply.Event{Server: "web-04", Kind: apply.EventStart, Action: engine.ActionCreate}),
		s(2*sec, apply.Event{Server: "db-old", Kind: apply.EventStill, Action: engine.ActionDelete, Elapsed: 2 * sec, ID: 12340}),
		s(1*sec, apply.Event{Server: "db-old", Kind: apply.EventDone, Action: engine.ActionDelete, Elapsed: 3 * sec, ID: 12340}),
		s(0, apply.Event{Server: "db-old", Kind: apply.EventComplete, Elapsed: 3 * sec, ID: 12340}),
		s(2*sec, apply.Event{Server: "web-03", Kind: apply.EventStill, Action: engine.ActionCreate, Elapsed: 5 * sec, ID: 12347}),
		s(5*sec, apply.Event{Server: "web-03", Kind: apply.EventStill, Action: engine.ActionCreate, Elapsed: 10 * sec, ID: 12347}),
		s(2*sec, apply.Event{Server: "web-04", Kind: apply.EventFail, Action: engine.ActionCreate, Elapsed: 12 * sec,
			Err: errors.New("creating web-04: POST /api/v1/servers/: 400 Bad Request: hostname: Enter a valid hostname.")}),
		s(3*sec, apply.Event{Server: "web-03", Kind: apply.EventStill, Action: engine.ActionCreate, Elapsed: 15 * sec, ID: 12347}),
		s(5*sec, apply.Event{Server: "web-03", Kind: apply.EventStill, Action: engine.ActionCreate, Elapsed: 20 * sec, ID: 12347}),
		s(22*sec, apply.Event{Server: "web-03", Kind: apply.EventDone, Action: engine.ActionCreate, Elapsed: 42 * sec, ID: 12347}),
		s(0, apply.Event{Server: "web-03", Kind: apply.EventComplete, Elapsed: 42 * sec, ID: 12347, Note: "adopted server 12347 after a lost answer"}),
		s(0, apply.Event{Server: "web-01", Kind: apply.EventDone, Action: engine.ActionCreate, Elapsed: 42 * sec, ID: 12350}),
		s(0, apply.Event{Server: "web-01", Kind: apply.EventStart, Action: engine.ActionDelete, ID: 12341}),
		s(1*sec, apply.Event{Server: "web-01", Kind: apply.EventDone, Action: engine.ActionDelete, Elapsed: sec, ID: 12350}),
		s(0, apply.Event{Server: "web-01", Kind: apply.EventStart, Action: engine.ActionRename, ID: 12350, Note: "from web-01-cbd-x7k2"}),
		s(0, apply.Event{Server: "web-01", Kind: apply.EventDone, Action: engine.ActionRename, ID: 12350}),
		s(0, apply.Event{Server: "web-01", Kind: apply.EventComplete, Elapsed: 43 * sec, ID: 12350}),
		s(0, apply.Event{Server: "web-09", Kind: apply.EventSkip, Err: apply.ErrCredits}),
	}
}

func TestLineProgressGolden(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	var out bytes.Buffer
	p := NewLineProgress(&out, clock.now)
	for _, st := range progressScript() {
		clock.advance(st.after)
		p.Event(st.e)
	}
	golden.Check(t, filepath.Join(goldenDir, "apply", "line_progress.golden"), out.Bytes())
	// At most one "Still" line per server per 10 s.
	if n := strings.Count(out.String(), "web-03: Still creating"); n != 2 {
		t.Errorf("%d still lines for web-03, want 2 (at 10s and 20s)", n)
	}
}

func TestLiveProgressGolden(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	var out bytes.Buffer
	p := NewLiveProgress(&out, 5, LiveOptions{Now: clock.now, Tick: -1})
	for _, st := range progressScript() {
		clock.advance(st.after)
		p.Event(st.e)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p.Event(apply.Event{Server: "late", Kind: apply.EventStart, Action: engine.ActionCreate})
	// Escapes are shown as text so the golden file can be read.
	shown := strings.ReplaceAll(out.String(), "\x1b", `\e`)
	golden.Check(t, filepath.Join(goldenDir, "apply", "live_progress.golden"), []byte(shown))
	if !strings.HasSuffix(out.String(), "[==============================] 5/5 (1 failed, 1 not started)\n") {
		t.Errorf("last frame does not show 5/5 done:\n%s", shown)
	}
}

// TestProgressAgreesWithReport: the live view's bar, the progress lines
// and the report say the same of each server that did not end done:
// failed, interrupted, or not started, which is what a create refused
// with 402 is (it changed nothing), not "Creation failed".
func TestProgressAgreesWithReport(t *testing.T) {
	t.Parallel()
	credits := fmt.Errorf("%w (POST /api/v1/servers/: 402 Payment Required: Insufficient credits)", apply.ErrCredits)
	boom := errors.New("creating web-01: POST /api/v1/servers/: 400 Bad Request: plan_id: Invalid pk.")
	events := []apply.Event{
		{Server: "web-01", Kind: apply.EventStart, Action: engine.ActionCreate},
		{Server: "web-01", Kind: apply.EventFail, Action: engine.ActionCreate, Outcome: apply.OutcomeFailed, Err: boom},
		{Server: "web-02", Kind: apply.EventStart, Action: engine.ActionUpdate, ID: 12346},
		{Server: "web-02", Kind: apply.EventFail, Action: engine.ActionUpdate, Outcome: apply.OutcomeInterrupted, Err: apply.ErrInterrupted},
		{Server: "web-03", Kind: apply.EventStart, Action: engine.ActionCreate},
		{Server: "web-03", Kind: apply.EventFail, Action: engine.ActionCreate, Outcome: apply.OutcomeNotStarted, Err: credits},
		{Server: "web-04", Kind: apply.EventSkip, Outcome: apply.OutcomeNotStarted, Err: apply.ErrCredits},
		{Server: "web-05", Kind: apply.EventStart, Action: engine.ActionDelete, ID: 12345},
		{Server: "web-05", Kind: apply.EventDone, Action: engine.ActionDelete, ID: 12345},
		{Server: "web-05", Kind: apply.EventComplete, ID: 12345},
	}
	result := &apply.Result{CreditsExhausted: true, Results: []apply.ServerResult{
		{Name: "web-01", Outcome: apply.OutcomeFailed, Actions: []engine.Action{engine.ActionCreate}, Err: boom},
		{Name: "web-02", Outcome: apply.OutcomeInterrupted, Actions: []engine.Action{engine.ActionUpdate}, Err: apply.ErrInterrupted},
		{Name: "web-03", Outcome: apply.OutcomeNotStarted, Actions: []engine.Action{engine.ActionCreate}, Err: credits},
		{Name: "web-04", Outcome: apply.OutcomeNotStarted, Actions: []engine.Action{engine.ActionCreate}, Err: apply.ErrCredits},
		{Name: "web-05", Outcome: apply.OutcomeDone, Actions: []engine.Action{engine.ActionDelete}},
	}}
	var live, lines, report bytes.Buffer
	lp := NewLiveProgress(&live, len(result.Results), LiveOptions{Now: newFakeClock().now, Tick: -1})
	pp := NewLineProgress(&lines, newFakeClock().now)
	for _, e := range events {
		lp.Event(e)
		pp.Event(e)
	}
	lp.Close()
	if err := Report(&report, result, ReportOptions{}); err != nil {
		t.Fatal(err)
	}
	const counts = "1 failed, 2 not started, 1 interrupted"
	if !strings.HasSuffix(live.String(), "] 5/5 ("+counts+")\n") {
		t.Errorf("the live view ends:\n%s\nwant (%s)", live.String(), counts)
	}
	if !strings.Contains(report.String(), counts+".") {
		t.Errorf("the report:\n%s\nwant %s", report.String(), counts)
	}
	for _, want := range []string{"web-01: failed: creating web-01", "web-03: not started: insufficient credits"} {
		if !strings.Contains(live.String(), want) {
			t.Errorf("the live view lacks %q:\n%s", want, live.String())
		}
	}
	for _, want := range []string{"web-01: Creation failed after", "web-02: Modifications interrupted after", "web-03: Not started: insufficient credits", "web-04: Not started:"} {
		if !strings.Contains(lines.String(), want) {
			t.Errorf("the progress lines lack %q:\n%s", want, lines.String())
		}
	}
	if strings.Contains(lines.String(), "web-03: Creation failed") || strings.Contains(live.String(), "web-03: failed") {
		t.Errorf("a create refused with 402 is reported as failed:\n%s\n%s", lines.String(), live.String())
	}
}
