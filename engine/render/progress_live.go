package render

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply"
)

// Live view limits.
const (
	liveBarWidth     = 30
	liveMinBarWidth  = 10
	liveMaxServers   = 15
	liveRedrawGap    = 100 * time.Millisecond
	liveTick         = time.Second
	liveDefaultWidth = 80
)

// LiveOptions tune a LiveProgress.
type LiveOptions struct {
	// Width returns the terminal's width in columns. It is asked before
	// every frame, so that a resized terminal is followed, and every line
	// of the frame is cut to fit: a line that wrapped would leave the
	// frame taller than the view moves back over, and the frames would
	// stack. Nil, or a width below 1, means 80 columns.
	Width func() int
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Tick is how often the frame is redrawn while nothing happens, so
	// that elapsed times move on their own; one second when 0, never when
	// negative.
	Tick time.Duration
}

// LiveProgress is the terminal view of an apply: a bar with completed /
// total and one line per server in progress with its elapsed time, redrawn
// in place with ANSI escapes, at every event that changes it and every
// second besides. Failures (not interruptions), and what Say is given,
// are printed above the view and stay. Call Close when Apply returns to draw the final frame and
// stop the clock. It is safe for concurrent use; write errors are ignored.
type LiveProgress struct {
	mu       sync.Mutex
	w        io.Writer
	total    int
	now      func() time.Time
	width    func() int
	finished int
	// ended counts the servers whose chain did not end done, by outcome
	// (failed, not started, interrupted), as the report counts them.
	ended    map[apply.Outcome]int
	running  map[string]liveServer
	drawn    int // lines of the last frame, to move back over
	lastDraw time.Time
	closed   bool

	// stopTick ends the ticker goroutine; ticked is closed once it has
	// returned. Both are nil without a ticker.
	stopTick chan struct{}
	ticked   chan struct{}
	stopOnce sync.Once
}

// liveServer is one server in progress: its current step, and when its
// first step began.
type liveServer struct {
	action  engine.Action
	started time.Time
}

// NewLiveProgress returns a LiveProgress for total changes, drawing on w
// (a terminal) as opts say, and starts its clock.
func NewLiveProgress(w io.Writer, total int, opts LiveOptions) *LiveProgress {
	p := &LiveProgress{w: w, total: total, now: opts.Now, width: opts.Width,
		running: make(map[string]liveServer), ended: make(map[apply.Outcome]int)}
	if p.now == nil {
		p.now = time.Now
	}
	if p.width == nil {
		p.width = func() int { return liveDefaultWidth }
	}
	tick := opts.Tick
	if tick == 0 {
		tick = liveTick
	}
	if tick > 0 {
		p.stopTick, p.ticked = make(chan struct{}), make(chan struct{})
		go p.tickEvery(tick)
	}
	return p
}

// tickEvery redraws the frame every d while servers are in progress, until
// Close.
func (p *LiveProgress) tickEvery(d time.Duration) {
	defer close(p.ticked)
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-p.stopTick:
			return
		case <-t.C:
			p.mu.Lock()
			if !p.closed && len(p.running) > 0 {
				p.redraw("")
			}
			p.mu.Unlock()
		}
	}
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
	case apply.EventBatch:
		above = batchBegins(e) + "\n"
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
		if e.Kind == apply.EventFail && outcome != apply.OutcomeInterrupted {
			// An interrupted server is counted in the bar and named in
			// the report; after a Ctrl-C, a line for each is noise.
			above = fmt.Sprintf("%s: %s: %s\n", e.Server, outcome, errLine(e.Err))
		}
		urgent = true
	}
	if above == "" && !urgent && p.now().Sub(p.lastDraw) < liveRedrawGap {
		return
	}
	p.redraw(above)
}

// Say prints msg above the frame, where it stays: the frame is drawn again
// under it, never over it. It is for what people must see while the view
// runs, such as what a Ctrl-C does. After Close, msg is simply written.
func (p *LiveProgress) Say(msg string) {
	if msg != "" && !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		io.WriteString(p.w, msg)
		return
	}
	p.redraw(msg)
}

// Close draws the final frame and stops the clock; later events are
// ignored. It never fails.
func (p *LiveProgress) Close() error {
	p.mu.Lock()
	if !p.closed {
		p.redraw("")
		p.closed = true
	}
	p.mu.Unlock()
	if p.stopTick != nil {
		p.stopOnce.Do(func() { close(p.stopTick) })
		<-p.ticked
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
	frame := p.frame(p.columns())
	b.WriteString(frame)
	p.drawn = strings.Count(frame, "\n")
	p.lastDraw = p.now()
	io.WriteString(p.w, b.String())
}

// columns is the terminal's width, or 80 when it is not known.
func (p *LiveProgress) columns() int {
	if w := p.width(); w > 0 {
		return w
	}
	return liveDefaultWidth
}

// frame is the bar line and the lines of the servers in progress, each
// cut to fit width columns.
func (p *LiveProgress) frame(width int) string {
	var b strings.Builder
	line := func(format string, args ...any) {
		b.WriteString(fitColumns(fmt.Sprintf(format, args...), width))
		b.WriteString("\n")
	}
	bar := max(liveMinBarWidth, min(liveBarWidth, width-30))
	filled := 0
	if p.total > 0 {
		filled = min(bar, p.finished*bar/p.total)
	}
	head := fmt.Sprintf("[%s%s] %d/%d", strings.Repeat("=", filled), strings.Repeat(" ", bar-filled), p.finished, p.total)
	var ended []string
	for _, o := range []apply.Outcome{apply.OutcomeFailed, apply.OutcomeNotStarted, apply.OutcomeInterrupted} {
		if n := p.ended[o]; n > 0 {
			ended = append(ended, fmt.Sprintf("%d %s", n, o))
		}
	}
	if len(ended) > 0 {
		head += fmt.Sprintf(" (%s)", strings.Join(ended, ", "))
	}
	line("%s", head)
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
			line("  ... and %d more", len(names)-i)
			break
		}
		s := p.running[name]
		line("  %-24s %-12s %s", name, actionWords(s.action).Still, elapsedText(now.Sub(s.started)))
	}
	return b.String()
}

// fitColumns cuts s to fewer than width columns (counting a rune as one),
// ending a cut line with "…". The last column stays free: some terminals
// wrap a line that fills the width.
func fitColumns(s string, width int) string {
	limit := width - 1
	if limit < 1 || utf8.RuneCountInString(s) <= limit {
		return s
	}
	runes := []rune(s)
	return string(runes[:limit-1]) + "…"
}
