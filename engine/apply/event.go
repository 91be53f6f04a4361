package apply

import (
	"sync"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply/rollout"
)

// Progress receives the events of an apply. Run calls Event from one
// goroutine at a time; an implementation must not block for long, since
// the executor waits for it.
type Progress interface {
	Event(Event)
}

// EventKind says what an Event reports.
type EventKind int

// The kinds of event, in the order a step emits them.
const (
	// EventStart: a step (Event.Action) begins, e.g. "Creating...".
	EventStart EventKind = iota
	// EventStill: the step is still waiting; emitted on every poll tick,
	// renderers throttle it. Event.Note holds the last status seen.
	EventStill
	// EventDone: the step completed; Elapsed is the step's duration and ID
	// the server's id.
	EventDone
	// EventFail: the server's chain failed or was interrupted during the
	// step; Outcome says which, Err why, and Elapsed is the step's
	// duration so far.
	EventFail
	// EventSkip: the server's chain was not started; Err says why.
	EventSkip
	// EventComplete: every step of the server's chain is done; Elapsed is
	// the chain's duration.
	EventComplete
	// EventBatch: a batch of a group's rollout begins: Batch says which,
	// Servers names its changes; Server is empty.
	EventBatch
)

// String names the kind, e.g. "start".
func (k EventKind) String() string {
	switch k {
	case EventStart:
		return "start"
	case EventStill:
		return "still"
	case EventDone:
		return "done"
	case EventFail:
		return "fail"
	case EventSkip:
		return "skip"
	case EventComplete:
		return "complete"
	case EventBatch:
		return "batch"
	}
	return "unknown"
}

// Event is one thing that happened to one server during an apply.
type Event struct {
	// Server is the change's name.
	Server string
	Kind   EventKind
	// Action is the step: create, delete, update (a PATCH, which may also
	// rename), rename (the final rename of create_before_destroy), start or
	// stop. Empty for EventSkip and EventComplete.
	Action engine.Action
	// Elapsed is the time since the step (or, for EventComplete, the
	// chain) began, by Options.Now.
	Elapsed time.Duration
	// ID is the server's id when known, else 0.
	ID int64
	// Outcome is how the server's chain ended, for EventFail (failed or
	// interrupted), EventSkip (not started) and EventComplete (done);
	// empty for the other kinds.
	Outcome Outcome
	Err     error
	// Note adds detail: the last status seen, a temporary name, an
	// adoption after a lost answer, the command of a health check.
	Note string
	// Batch is the rollout batch of the server's change (zero when no
	// rollout governs it), or, for EventBatch, the batch that begins.
	Batch Batch
	// Servers, for EventBatch, names the batch's changes.
	Servers []string
}

// Batch places a change in its group's rollout: batch Number of Of of
// group Group; the zero Batch is a change no rollout governs. It is the
// rollout schedule's type (package rollout, which cannot import this
// one): an alias, so that callers keep writing apply.Batch.
type Batch = rollout.Batch

// StepHealthCheck is the step of an Event that runs a rollout's health
// check on a server the apply brought up. It is no action of the plan.
const StepHealthCheck engine.Action = "check"

// progressSink serialises calls to a Progress; a nil Progress is silent,
// and so is every sink once closed (when Run returns).
type progressSink struct {
	mu     sync.Mutex
	p      Progress
	closed bool
}

func newProgressSink(p Progress) *progressSink { return &progressSink{p: p} }

func (s *progressSink) emit(e Event) {
	if s.p == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.p.Event(e)
	}
}

// close drops every later event.
func (s *progressSink) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
}
