package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply"
	"github.com/vpsfleet/vpsfleet/internal/golden"
)

// streamCases are the event stream goldens of testdata/render/events/:
// each writes one run's stream by a fake clock.
func streamCases(t *testing.T) map[string]func(s *EventStream, clock *fakeClock) {
	return map[string]func(*EventStream, *fakeClock){
		// The four servers of progressScript, then the report and exit 1.
		"apply_mixed.jsonl": func(s *EventStream, clock *fakeClock) {
			s.Plan(scriptPlan())
			for _, st := range progressScript() {
				clock.advance(st.after)
				s.Event(withOutcome(st.e))
			}
			s.Report(reportResult())
			s.Exit(1, "")
		},
		"apply_ok.jsonl": func(s *EventStream, clock *fakeClock) {
			p := engine.NewPlan(engine.Change{Name: "web-01", Actions: []engine.Action{engine.ActionCreate},
				After: &engine.ServerState{Name: "web-01", PlanID: 1, OSID: 5, Location: "us-west", Power: "on"}, Reason: "not in the account"})
			s.Plan(p)
			s.Event(apply.Event{Server: "web-01", Kind: apply.EventStart, Action: engine.ActionCreate})
			clock.advance(2 * time.Second)
			s.Event(apply.Event{Server: "web-01", Kind: apply.EventStill, Action: engine.ActionCreate, Elapsed: 2 * time.Second, ID: 12345, Note: "provisioning"})
			clock.advance(1500 * time.Millisecond)
			s.Event(apply.Event{Server: "web-01", Kind: apply.EventDone, Action: engine.ActionCreate, Elapsed: 3500 * time.Millisecond, ID: 12345})
			s.Event(apply.Event{Server: "web-01", Kind: apply.EventComplete, Elapsed: 3500 * time.Millisecond, ID: 12345, Outcome: apply.OutcomeDone})
			s.Report(&apply.Result{Created: 1, Results: []apply.ServerResult{
				{Name: "web-01", Outcome: apply.OutcomeDone, ID: 12345, Elapsed: 3500 * time.Millisecond, Actions: []engine.Action{engine.ActionCreate}},
			}})
			s.Exit(0, "")
		},
		"apply_duplicates.jsonl": func(s *EventStream, clock *fakeClock) {
			s.Plan(engine.NewPlan())
			s.Report(&apply.Result{
				Duplicates: []apply.Duplicate{{Name: "web-03", IDs: []int64{12350, 12351}}},
				CheckErr:   errors.New("checking the account for servers that share a name: GET /api/v1/servers/: 503"),
			})
			s.Exit(1, "")
		},
		"no_changes.jsonl": func(s *EventStream, clock *fakeClock) {
			s.Plan(engine.NewPlan())
			s.Exit(0, "")
		},
		"refused.jsonl": func(s *EventStream, clock *fakeClock) {
			s.Exit(1, "the account changed since the plan in fleet.plan was made; nothing was changed.\nweb-02 (id 12350): updated_at changed")
		},
	}
}

// withOutcome gives e the outcome the executor sets on its kind, which
// progressScript leaves out (the line and live views do not read it).
func withOutcome(e apply.Event) apply.Event {
	if e.Outcome != "" {
		return e
	}
	switch e.Kind {
	case apply.EventFail:
		e.Outcome = apply.OutcomeFailed
	case apply.EventSkip:
		e.Outcome = apply.OutcomeNotStarted
	case apply.EventComplete:
		e.Outcome = apply.OutcomeDone
	}
	return e
}

// scriptPlan is the plan progressScript applies.
func scriptPlan() *engine.Plan {
	live := func(id int64, name string) *engine.ServerState {
		return &engine.ServerState{ID: id, Name: name, PlanID: 1, OSID: 5, Location: "us-west", Power: "on", Status: "active"}
	}
	want := func(name string) *engine.ServerState {
		return &engine.ServerState{Name: name, PlanID: 2, OSID: 5, Location: "us-west", Power: "on"}
	}
	return engine.NewPlan(
		engine.Change{Name: "db-old", Actions: []engine.Action{engine.ActionDelete}, Before: live(12340, "db-old"), Reason: "not in the fleet, matched by owns db-*"},
		engine.Change{Name: "web-01", Actions: []engine.Action{engine.ActionReplace}, Before: live(12341, "web-01"), After: want("web-01"),
			Reason: "plan_id 1 → 2 forces replacement", CreateBeforeDestroy: true},
		engine.Change{Name: "web-03", Actions: []engine.Action{engine.ActionCreate}, After: want("web-03"), Reason: "not in the account"},
		engine.Change{Name: "web-04", Actions: []engine.Action{engine.ActionCreate}, After: want("web-04"), Reason: "not in the account"},
		engine.Change{Name: "web-05", Actions: []engine.Action{engine.ActionUpdate, engine.ActionStop}, Before: live(12349, "web-05"), After: want("web-05"), Reason: "backups"},
		engine.Change{Name: "web-09", Actions: []engine.Action{engine.ActionCreate}, After: want("web-09"), Reason: "not in the account"},
	)
}

func TestEventStreamGolden(t *testing.T) {
	for name, write := range streamCases(t) {
		t.Run(name, func(t *testing.T) {
			clock := newFakeClock()
			var out bytes.Buffer
			s := NewEventStream(&out, clock.now)
			write(s, clock)
			if err := s.Err(); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join(goldenDir, "events", name), out.Bytes())
			lines := decodeStream(t, out.Bytes())
			if last := lines[len(lines)-1]; last["type"] != EventTypeExit {
				t.Errorf("the last line is %v, not the exit line", last["type"])
			}
		})
	}
}

// decodeStream checks that every line is one JSON object of the stream's
// format and returns them.
func decodeStream(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %d is not one JSON object: %v\n%s", len(lines)+1, err, sc.Text())
		}
		if l["format_version"] != EventsFormatVersion || l["type"] == "" || l["timestamp"] == "" {
			t.Errorf("line %d lacks format_version, type or timestamp: %s", len(lines)+1, sc.Text())
		}
		lines = append(lines, l)
	}
	if len(lines) == 0 {
		t.Fatal("no lines")
	}
	return lines
}

// TestEventStreamMixed reads the mixed run as a pipeline would: every step
// of the script is there, still lines are throttled, a replacement is its
// delete and create, and the exit says why.
func TestEventStreamMixed(t *testing.T) {
	clock := newFakeClock()
	var out bytes.Buffer
	s := NewEventStream(&out, clock.now)
	streamCases(t)["apply_mixed.jsonl"](s, clock)
	lines := decodeStream(t, out.Bytes())
	count := map[string]int{}
	for _, l := range lines {
		count[l["type"].(string)]++
	}
	// 21 events: web-03's four still ticks thin to the two 10 s apart, and
	// db-old's one, 2 s after its start, is left out.
	want := map[string]int{"plan": 1, "start": 6, "still": 2, "done": 5, "fail": 1, "skip": 1, "complete": 3, "report": 1, "exit": 1}
	for typ, n := range want {
		if count[typ] != n {
			t.Errorf("%d %s lines, want %d\n%s", count[typ], typ, n, out.String())
		}
	}
	plan := lines[0]["changes"].([]any)
	if acts := plan[1].(map[string]any)["actions"]; !strings.Contains(jsonText(t, acts), `["create","delete"]`) {
		t.Errorf("the create_before_destroy replacement of web-01 is %s", jsonText(t, acts))
	}
	exit := lines[len(lines)-1]
	if exit["exit_code"] != 1.0 || exit["reason"] != ExitInterrupted {
		t.Errorf("exit line %v", exit)
	}
	report := lines[len(lines)-2]["report"].(map[string]any)
	if report["ok"] != false || report["credits_exhausted"] != true || report["created"] != 2.0 {
		t.Errorf("report %v", report)
	}
}

// TestEventStreamWritesOnce: the plan, report and exit lines are written
// once however often they are asked for; a nil stream writes nothing; a
// failed write is kept and the rest is dropped.
func TestEventStreamWritesOnce(t *testing.T) {
	var out bytes.Buffer
	s := NewEventStream(&out, nil)
	for range 2 {
		s.Plan(engine.NewPlan())
		s.Report(&apply.Result{})
		s.Exit(0, "")
	}
	if n := strings.Count(out.String(), "\n"); n != 3 {
		t.Errorf("%d lines:\n%s", n, out.String())
	}
	var none *EventStream
	none.Plan(nil)
	none.Event(apply.Event{Kind: apply.EventStart})
	none.Report(&apply.Result{})
	none.Exit(1, "x")
	if none.Err() != nil {
		t.Error("a nil stream has an error")
	}
	broken := NewEventStream(failingWriter{}, nil)
	broken.Plan(nil)
	broken.Exit(0, "")
	if broken.Err() == nil {
		t.Error("a failed write is not reported")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func jsonText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
