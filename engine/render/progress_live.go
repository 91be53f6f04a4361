package render

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply"
)

// Live view limits.
const (
	liveBarWidth   = 30
	liveMaxServers = 15
	liveRedrawGap  = 100 * time.Millisecond
)

// LiveProgress is the terminal view of an apply: a bar with completed /
// total and one line per server in progress with its elapsed time, redrawn
// in place with ANSI escapes. Failures are printed once above the view and
// stay. Call Close when Apply returns to draw the final frame. It is safe
// for concurrent use; write errors are ignored.
type LiveProgress struct {
	mu       sync.Mutex
	w        io.Writer
	total    int
	now      func() time.Time
	finished int
	// ended counts the servers whose chain did not end done, by outcome
	// (failed, interrupted, not started), as the report counts them.
	ended    map[apply.Outcome]int
	running  map[string]liveServer
	drawn    int // lines of the last frame, to move back over
	lastDraw time.Time
	closed   bool
}

// liveServer is one server in progress: its current step, and when its
// first step began.
type liveServer struct {
	action  engine.Action
	started time.Time
}

// NewLiveProgress returns a LiveProgress for total changes, drawing on w
// (a terminal) by now (time.Now when nil).
func NewLiveProgress(w io.Writer, total int, now func() time.Time) *LiveProgress {
	if now == nil {
		now = time.Now
	}
	return &LiveProgress{w: w, total: total, now: now, running: make(map[string]liveServer), ended: make(map[apply.Outcome]int)}
}

// Event implements apply.Progress. It redraws at most every 100 ms, and at once
// when a server finishes.
func (p *LiveProgress) Event(e apply.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	urgent := false
	var above string
	switch e.Kind {
	case apply.EventStart:
		// The line shows the current step and the time since the
		// server's first step began.
		started := p.now()
		if s, ok := p.running[e.Server]; ok {
			started = s.started
		}
		p.running[e.Server] = liveServer{action: e.Action, started: started}
	case apply.EventStill, apply.EventDone:
	case apply.EventComplete:
		delete(p.running, e.Server)
		p.finished++
		urgent = true
	case apply.EventFail, apply.EventSkip:
		delete(p.running, e.Server)
		p.finished++
		outcome := e.Outcome
		if outcome == "" {
			outcome = apply.OutcomeFailed
			if e.Kind == apply.EventSkip {
				outcome = apply.OutcomeNotStarted
			}
		}
		p.ended[outcome]++
		if e.Kind == apply.EventFail {
			above = fmt.Sprintf("%s: %s: %s\n", e.Server, outcome, errLine(e.Err))
		}
		urgent = true
	}
	if above == "" && !urgent && p.now().Sub(p.lastDraw) < liveRedrawGap {
		return
	}
	p.redraw(above)
}

// Close draws the final frame; later events are ignored. It never fails.
func (p *LiveProgress) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.redraw("")
		p.closed = true
	}
	return nil
}

// redraw erases the last frame, prints above (if any) and draws a new one.
func (p *LiveProgress) redraw(above string) {
	var b strings.Builder
	if p.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA\r\x1b[J", p.drawn)
	}
	b.WriteString(above)
	frame := p.frame()
	b.WriteString(frame)
	p.drawn = strings.Count(frame, "\n")
	p.lastDraw = p.now()
	io.WriteString(p.w, b.String())
}

// frame is the bar line and the lines of the servers in progress.
func (p *LiveProgress) frame() string {
	var b strings.Builder
	filled := 0
	if p.total > 0 {
		filled = min(liveBarWidth, p.finished*liveBarWidth/p.total)
	}
	fmt.Fprintf(&b, "[%s%s] %d/%d", strings.Repeat("=", filled), strings.Repeat(" ", liveBarWidth-filled), p.finished, p.total)
	var ended []string
	for _, o := range []apply.Outcome{apply.OutcomeFailed, apply.OutcomeNotStarted, apply.OutcomeInterrupted} {
		if n := p.ended[o]; n > 0 {
			ended = append(ended, fmt.Sprintf("%d %s", n, o))
		}
	}
	if len(ended) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(ended, ", "))
	}
	b.WriteString("\n")
	names := make([]string, 0, len(p.running))
	for name := range p.running {
		names = append(names, name)
	}
	// Longest-running first: those are the ones people watch.
	sort.Slice(names, func(i, j int) bool {
		a, c := p.running[names[i]], p.running[names[j]]
		if !a.started.Equal(c.started) {
			return a.started.Before(c.started)
		}
		return names[i] < names[j]
	})
	now := p.now()
	for i, name := range names {
		if i == liveMaxServers {
			fmt.Fprintf(&b, "  ... and %d more\n", len(names)-i)
			break
		}
		s := p.running[name]
		fmt.Fprintf(&b, "  %-24s %-12s %s\n", name, actionWords(s.action).Still, elapsedText(now.Sub(s.started)))
	}
	return b.String()
}
