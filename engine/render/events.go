package render

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"sync"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply"
)

// EventsFormatVersion is the format_version of every line of the apply
// event stream (docs/FORMATS.md, docs/events.schema.json).
const EventsFormatVersion = "1"

// The types of line in the event stream, in the order a run writes them.
const (
	EventTypePlan     = "plan"     // the plan about to run: summary and changes
	EventTypeStart    = "start"    // a step of a server begins
	EventTypeStill    = "still"    // a step is still waiting
	EventTypeDone     = "done"     // a step completed
	EventTypeFail     = "fail"     // a server's chain failed or was interrupted
	EventTypeSkip     = "skip"     // a server's chain was not started
	EventTypeComplete = "complete" // every step of a server is done
	EventTypeBatch    = "batch"    // a batch of a group's rollout begins
	EventTypeReport   = "report"   // the end of the run: every server's outcome
	EventTypeExit     = "exit"     // the last line: the exit code and why
)

// The exit reasons of the exit line.
const (
	ExitApplied     = "applied"     // every change is done and checked
	ExitNoChanges   = "no_changes"  // the plan was empty; nothing ran
	ExitFailed      = "failed"      // some change did not succeed, or the end check did not pass
	ExitInterrupted = "interrupted" // Ctrl-C (or SIGTERM) stopped the run
	ExitRefused     = "refused"     // nothing ran: bad input, a refused plan, a stale saved plan, an unreachable account
)

// eventHeader starts every line of the stream.
type eventHeader struct {
	FormatVersion string `json:"format_version"`
	Type          string `json:"type"`
	// Timestamp is UTC, RFC 3339 with milliseconds.
	Timestamp string `json:"timestamp"`
}

// stepLine is a line of the executor's events: start, still, done, fail,
// skip and complete.
type stepLine struct {
	eventHeader
	Server string `json:"server"`
	// Action is the step (create, delete, update, rename, start, stop);
	// left out of skip and complete lines.
	Action string `json:"action,omitempty"`
	// Elapsed is in seconds, to the millisecond: since the step began, or
	// the server's first step for complete; left out of start and skip.
	Elapsed *float64 `json:"elapsed,omitempty"`
	ID      int64    `json:"id,omitempty"`
	Outcome string   `json:"outcome,omitempty"`
	Error   string   `json:"error,omitempty"`
	Note    string   `json:"note,omitempty"`
	// Batch is the rollout batch of the server's change; left out when no
	// rollout governs it.
	Batch *batchDocument `json:"batch,omitempty"`
}

// batchDocument places a change in its group's rollout.
type batchDocument struct {
	Group  string `json:"group"`
	Number int    `json:"number"`
	Of     int    `json:"of"`
}

// newBatchDocument is b's document, nil for the zero Batch.
func newBatchDocument(b apply.Batch) *batchDocument {
	if b.Number == 0 {
		return nil
	}
	return &batchDocument{Group: b.Group, Number: b.Number, Of: b.Of}
}

// batchLine says that a batch of a group's rollout begins.
type batchLine struct {
	eventHeader
	Group   string   `json:"group"`
	Number  int      `json:"number"`
	Of      int      `json:"of"`
	Servers []string `json:"servers"`
}

// planLine is the first line of a run: what it is about to do.
type planLine struct {
	eventHeader
	Summary  engine.Summary  `json:"summary"`
	Changes  []plannedChange `json:"changes"`
	Warnings []string        `json:"warnings"`
}

// reportLine ends the executor's part of the stream.
type reportLine struct {
	eventHeader
	Report reportBody `json:"report"`
}

// exitLine is the last line of the stream.
type exitLine struct {
	eventHeader
	ExitCode int    `json:"exit_code"`
	Reason   string `json:"reason"`
	Error    string `json:"error,omitempty"`
}

// plannedChange is one change of the plan line.
type plannedChange struct {
	Name    string   `json:"name"`
	Actions []string `json:"actions"`
	// ID is the live server the change acts on; 0 (left out) for a create.
	ID int64 `json:"id,omitempty"`
	// Group is the label of its server block, Batch its rollout batch;
	// each left out when there is none.
	Group string `json:"group,omitempty"`
	Batch int    `json:"batch,omitempty"`
}

// reportBody is the report line's report.
type reportBody struct {
	OK               bool              `json:"ok"`
	Counts           reportCounts      `json:"counts"`
	Created          int               `json:"created"`
	Interrupted      bool              `json:"interrupted"`
	CreditsExhausted bool              `json:"credits_exhausted"`
	Unauthorized     bool              `json:"unauthorized"`
	InFlight         []string          `json:"in_flight"`
	Duplicates       []reportDuplicate `json:"duplicates"`
	// CheckError is why the end-of-apply check for duplicate names could
	// not run; "" (left out) when it ran.
	CheckError string         `json:"check_error,omitempty"`
	Servers    []reportServer `json:"servers"`
}

type reportCounts struct {
	Done        int `json:"done"`
	Failed      int `json:"failed"`
	NotStarted  int `json:"not_started"`
	Interrupted int `json:"interrupted"`
}

type reportDuplicate struct {
	Name string  `json:"name"`
	IDs  []int64 `json:"ids"`
}

type reportServer struct {
	Name    string   `json:"name"`
	Outcome string   `json:"outcome"`
	Actions []string `json:"actions"`
	ID      int64    `json:"id,omitempty"`
	Elapsed float64  `json:"elapsed"`
	Error   string   `json:"error,omitempty"`
	Note    string   `json:"note,omitempty"`
	// Batch is the rollout batch the change ran in; left out when none.
	Batch *batchDocument `json:"batch,omitempty"`
}

// EventStream is the machine view of an apply or destroy: one JSON object
// per line (JSON Lines), each with format_version, type and timestamp.
// A run writes a plan line, then the executor's events as they happen
// (start, still, done, fail, skip, complete, and batch when a batch of a
// rollout begins), then a report line, and an exit line last; a run refused before anything ran writes only the lines
// it got to, and the exit line. Its methods are safe for concurrent use
// and never fail the run: the first write error is kept (Err) and later
// lines are dropped. A nil *EventStream writes nothing, so callers need
// not check whether the stream was asked for.
type EventStream struct {
	mu        sync.Mutex
	w         io.Writer
	now       func() time.Time
	err       error
	lastStill map[string]stillSeen
	// planned maps each change of the plan line to its document actions.
	planned map[string][]string
	// wrote records the lines written once: the plan, report and exit.
	wrote  map[string]bool
	result *apply.Result
}

// stillSeen is when a server's last still line was written, and the note
// (status) it carried.
type stillSeen struct {
	at   time.Time
	note string
}

// NewEventStream returns an EventStream writing to w, its timestamps (UTC,
// RFC 3339 with milliseconds) by now (time.Now when nil).
func NewEventStream(w io.Writer, now func() time.Time) *EventStream {
	if now == nil {
		now = time.Now
	}
	return &EventStream{w: w, now: now, lastStill: map[string]stillSeen{}, planned: map[string][]string{}, wrote: map[string]bool{}}
}

// Plan writes the plan line: the summary, the warnings and every change
// with its actions as the -json plan document spells them (a replacement
// is its delete and create). Only the first call writes.
func (s *EventStream) Plan(p *engine.Plan) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.once(EventTypePlan) {
		return
	}
	if p == nil {
		p = engine.NewPlan()
	}
	line := planLine{
		eventHeader: s.header(EventTypePlan),
		Summary:     p.Summary,
		Changes:     make([]plannedChange, 0, len(p.Changes)),
		Warnings:    append([]string{}, p.Warnings...),
	}
	for _, c := range p.Changes {
		acts := DocumentActions(c)
		s.planned[c.Name] = acts
		pc := plannedChange{Name: c.Name, Actions: acts, Group: c.Group, Batch: c.Batch}
		if c.Before != nil {
			pc.ID = c.Before.ID
		}
		line.Changes = append(line.Changes, pc)
	}
	s.write(line)
}

// once reports whether a line of type typ was already written, and marks
// it written.
func (s *EventStream) once(typ string) bool {
	done := s.wrote[typ]
	s.wrote[typ] = true
	return done
}

// Event implements apply.Progress: one line per event, except that still
// lines are throttled to one per server per 10 s, or sooner when the
// status they report changed.
func (s *EventStream) Event(e apply.Event) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var typ string
	switch e.Kind {
	case apply.EventStart:
		typ = EventTypeStart
		s.lastStill[e.Server] = stillSeen{at: s.now(), note: e.Note}
	case apply.EventStill:
		last, ok := s.lastStill[e.Server]
		if ok && e.Note == last.note && s.now().Sub(last.at) < stillEvery {
			return
		}
		s.lastStill[e.Server] = stillSeen{at: s.now(), note: e.Note}
		typ = EventTypeStill
	case apply.EventDone:
		typ = EventTypeDone
	case apply.EventFail:
		typ = EventTypeFail
		delete(s.lastStill, e.Server)
	case apply.EventSkip:
		typ = EventTypeSkip
	case apply.EventComplete:
		typ = EventTypeComplete
		delete(s.lastStill, e.Server)
	case apply.EventBatch:
		s.write(batchLine{eventHeader: s.header(EventTypeBatch), Group: e.Batch.Group, Number: e.Batch.Number, Of: e.Batch.Of,
			Servers: append([]string{}, e.Servers...)})
		return
	default:
		return
	}
	line := stepLine{eventHeader: s.header(typ), Server: e.Server, Action: string(e.Action), ID: e.ID, Outcome: string(e.Outcome), Note: e.Note,
		Batch: newBatchDocument(e.Batch)}
	if e.Err != nil {
		line.Error = e.Err.Error()
	}
	if e.Kind != apply.EventStart && e.Kind != apply.EventSkip {
		line.Elapsed = seconds(e.Elapsed)
	}
	s.write(line)
}

// Report writes the report line: how every server ended, the counts, and
// what stopped the run (credits, a refused token, an interrupt, requests
// still in flight, names carried twice, an end check that could not run).
// Only the first call writes; a nil r writes nothing.
func (s *EventStream) Report(r *apply.Result) {
	if s == nil || r == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.once(EventTypeReport) {
		return
	}
	s.result = r
	body := reportBody{
		OK: r.OK(),
		Counts: reportCounts{
			Done: r.Count(apply.OutcomeDone), Failed: r.Count(apply.OutcomeFailed),
			NotStarted: r.Count(apply.OutcomeNotStarted), Interrupted: r.Count(apply.OutcomeInterrupted),
		},
		Created:          r.Created,
		Interrupted:      r.Interrupted,
		CreditsExhausted: r.CreditsExhausted,
		Unauthorized:     r.Unauthorized,
		InFlight:         append([]string{}, r.InFlight...),
		Duplicates:       []reportDuplicate{},
		Servers:          make([]reportServer, 0, len(r.Results)),
	}
	for _, d := range r.Duplicates {
		body.Duplicates = append(body.Duplicates, reportDuplicate{Name: d.Name, IDs: append([]int64{}, d.IDs...)})
	}
	if r.CheckErr != nil {
		body.CheckError = r.CheckErr.Error()
	}
	for _, sr := range r.Results {
		acts, ok := s.planned[sr.Name]
		if !ok {
			acts = DocumentActions(engine.Change{Actions: sr.Actions})
		}
		rs := reportServer{Name: sr.Name, Outcome: string(sr.Outcome), Actions: acts, ID: sr.ID, Elapsed: *seconds(sr.Elapsed), Note: sr.Note,
			Batch: newBatchDocument(sr.Batch)}
		if rs.Actions == nil {
			rs.Actions = []string{}
		}
		if sr.Err != nil {
			rs.Error = sr.Err.Error()
		}
		body.Servers = append(body.Servers, rs)
	}
	s.write(reportLine{eventHeader: s.header(EventTypeReport), Report: body})
}

// Exit writes the exit line, the last of the stream: the process's exit
// code, the reason (ExitApplied, ExitNoChanges, ExitFailed,
// ExitInterrupted or ExitRefused: from the report when there was one, else
// from the code) and, when the run failed before or outside the report,
// the error message people saw on stderr. Only the first call writes.
func (s *EventStream) Exit(code int, message string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.once(EventTypeExit) {
		return
	}
	line := exitLine{eventHeader: s.header(EventTypeExit), ExitCode: code, Reason: s.exitReason(code)}
	if code != 0 {
		line.Error = message
	}
	s.write(line)
}

// exitReason classifies the end of the run.
func (s *EventStream) exitReason(code int) string {
	switch r := s.result; {
	case r != nil && r.Interrupted:
		return ExitInterrupted
	case r != nil && r.OK() && code == 0:
		return ExitApplied
	case r != nil:
		return ExitFailed
	case code == 0:
		return ExitNoChanges
	}
	return ExitRefused
}

// Err returns the first error writing the stream, or nil.
func (s *EventStream) Err() error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// header starts a line of type typ, stamped now.
func (s *EventStream) header(typ string) eventHeader {
	return eventHeader{FormatVersion: EventsFormatVersion, Type: typ, Timestamp: s.now().UTC().Format("2006-01-02T15:04:05.000Z07:00")}
}

// write writes one line, unless an earlier write failed.
func (s *EventStream) write(l any) {
	if s.err != nil {
		return
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(l) // one line, ending in a newline
	if err == nil {
		_, err = s.w.Write(b.Bytes())
	}
	s.err = err
}

// seconds is d in seconds, rounded to the millisecond.
func seconds(d time.Duration) *float64 {
	v := math.Round(float64(d)/float64(time.Millisecond)) / 1000
	return &v
}
