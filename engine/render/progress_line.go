package render

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply"
)

// stillEvery is the least time between two "Still ..." lines of a server.
const stillEvery = 10 * time.Second

// lineProgress writes one line per event, for logs and pipelines.
type lineProgress struct {
	mu        sync.Mutex
	w         io.Writer
	now       func() time.Time
	lastStill map[string]time.Time
}

// NewLineProgress returns a Progress that writes one line per event to w,
// the way Terraform logs an apply:
//
//	web-03: Creating...
//	web-03: Still creating... [10s elapsed]
//	web-03: Creation complete after 42s [id=12347]
//
// A batch of a rollout that begins is a line of its own:
//
//	Rollout of web: batch 2 of 10 begins (web-03, web-04)
//
// It writes at most one "Still" line per server per 10 s by now (time.Now
// when nil). Write errors are ignored: progress never fails an apply. It
// is safe for concurrent use.
func NewLineProgress(w io.Writer, now func() time.Time) apply.Progress {
	if now == nil {
		now = time.Now
	}
	return &lineProgress{w: w, now: now, lastStill: make(map[string]time.Time)}
}

// Event implements apply.Progress.
func (p *lineProgress) Event(e apply.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	line := ""
	switch e.Kind {
	case apply.EventStart:
		p.lastStill[e.Server] = p.now()
		line = actionWords(e.Action).Doing + "..." + brackets(e.ID, e.Note)
	case apply.EventStill:
		if last, ok := p.lastStill[e.Server]; ok && p.now().Sub(last) < stillEvery {
			return
		}
		p.lastStill[e.Server] = p.now()
		line = fmt.Sprintf("Still %s... [%s elapsed]", actionWords(e.Action).Still, elapsedText(e.Elapsed))
	case apply.EventDone:
		line = fmt.Sprintf("%s complete after %s", actionWords(e.Action).Done, elapsedText(e.Elapsed))
		if e.ID != 0 && e.Action != engine.ActionDelete {
			line += fmt.Sprintf(" [id=%d]", e.ID)
		}
	case apply.EventFail:
		delete(p.lastStill, e.Server)
		if e.Outcome == apply.OutcomeNotStarted {
			// Refused before it changed anything (a 402 create): the
			// report says "not started", and so does this line.
			line = fmt.Sprintf("Not started: %s", errLine(e.Err))
			break
		}
		word := "failed"
		if e.Outcome == apply.OutcomeInterrupted {
			word = "interrupted"
		}
		line = fmt.Sprintf("%s %s after %s: %s", actionWords(e.Action).Done, word, elapsedText(e.Elapsed), errLine(e.Err))
		if e.Action == "" {
			line = fmt.Sprintf("Failed after %s: %s", elapsedText(e.Elapsed), errLine(e.Err))
		}
	case apply.EventSkip:
		line = fmt.Sprintf("Not started: %s", errLine(e.Err))
	case apply.EventComplete:
		delete(p.lastStill, e.Server)
		if e.Note == "" {
			return
		}
		line = "Note: " + e.Note
	case apply.EventBatch:
		fmt.Fprintf(p.w, "%s\n", batchBegins(e))
		return
	default:
		return
	}
	fmt.Fprintf(p.w, "%s: %s\n", e.Server, line)
}

// batchBegins is the line of an EventBatch: "Rollout of web: batch 2 of
// 10 begins (web-03, web-04)".
func batchBegins(e apply.Event) string {
	return fmt.Sprintf("Rollout of %s: batch %d of %d begins (%s)", e.Batch.Group, e.Batch.Number, e.Batch.Of, strings.Join(e.Servers, ", "))
}

// brackets is the Terraform-like " [id=12347]" suffix, with a note.
func brackets(id int64, note string) string {
	switch {
	case id != 0 && note != "":
		return fmt.Sprintf(" [id=%d, %s]", id, note)
	case id != 0:
		return fmt.Sprintf(" [id=%d]", id)
	case note != "":
		return " [" + note + "]"
	}
	return ""
}

// elapsedText is an elapsed time in whole seconds, e.g. "42s", "1m5s".
func elapsedText(d time.Duration) string {
	return d.Round(time.Second).String()
}
