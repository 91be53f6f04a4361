package engine

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
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
// It writes at most one "Still" line per server per 10 s by now (time.Now
// when nil). Write errors are ignored: progress never fails an apply. It
// is safe for concurrent use.
func NewLineProgress(w io.Writer, now func() time.Time) Progress {
	if now == nil {
		now = time.Now
	}
	return &lineProgress{w: w, now: now, lastStill: make(map[string]time.Time)}
}

// Event implements Progress.
func (p *lineProgress) Event(e Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	line := ""
	switch e.Kind {
	case EventStart:
		p.lastStill[e.Server] = p.now()
		line = actionWords(e.Action).doing + "..." + brackets(e.ID, e.Note)
	case EventStill:
		if last, ok := p.lastStill[e.Server]; ok && p.now().Sub(last) < stillEvery {
			return
		}
		p.lastStill[e.Server] = p.now()
		line = fmt.Sprintf("Still %s... [%s elapsed]", actionWords(e.Action).still, elapsedText(e.Elapsed))
	case EventDone:
		line = fmt.Sprintf("%s complete after %s", actionWords(e.Action).done, elapsedText(e.Elapsed))
		if e.ID != 0 && e.Action != ActionDelete {
			line += fmt.Sprintf(" [id=%d]", e.ID)
		}
	case EventFail:
		delete(p.lastStill, e.Server)
		word := "failed"
		if errors.Is(e.Err, errInterrupted) || errors.Is(e.Err, errAbandoned) {
			word = "interrupted"
		}
		line = fmt.Sprintf("%s %s after %s: %s", actionWords(e.Action).done, word, elapsedText(e.Elapsed), errLine(e.Err))
		if e.Action == "" {
			line = fmt.Sprintf("Failed after %s: %s", elapsedText(e.Elapsed), errLine(e.Err))
		}
	case EventSkip:
		line = fmt.Sprintf("Not started: %s", errLine(e.Err))
	case EventComplete:
		delete(p.lastStill, e.Server)
		if e.Note == "" {
			return
		}
		line = "Note: " + e.Note
	default:
		return
	}
	fmt.Fprintf(p.w, "%s: %s\n", e.Server, line)
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

// stepWords are the words a step is shown with.
type stepWords struct{ doing, still, done string }

func actionWords(a Action) stepWords {
	switch a {
	case ActionCreate:
		return stepWords{"Creating", "creating", "Creation"}
	case ActionDelete:
		return stepWords{"Destroying", "destroying", "Destruction"}
	case ActionUpdate:
		return stepWords{"Modifying", "modifying", "Modifications"}
	case ActionRename:
		return stepWords{"Renaming", "renaming", "Rename"}
	case ActionStart:
		return stepWords{"Starting", "starting", "Start"}
	case ActionStop:
		return stepWords{"Stopping", "stopping", "Stop"}
	case ActionReplace:
		return stepWords{"Replacing", "replacing", "Replacement"}
	}
	return stepWords{"Working", "working", "Step"}
}
