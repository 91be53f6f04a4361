package render

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply"
)

// TestLiveProgressFitsTheTerminal: on terminals narrower than the view's
// lines (50 and 60 columns were seen to stack frames), every frame line is
// cut to fit, so the view moves back over exactly what it drew: at every
// moment the screen holds one bar, and no frame line wraps.
func TestLiveProgressFitsTheTerminal(t *testing.T) {
	t.Parallel()
	for _, width := range []int{30, 50, 60, 80} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			t.Parallel()
			term := newTerminal(width)
			clock := newFakeClock()
			p := NewLiveProgress(term, 6, LiveOptions{Width: func() int { return width }, Now: clock.now, Tick: -1})
			script := progressScript()
			script = append(script[:4:4],
				scriptStep{0, apply.Event{Server: "web-frontend-production-eu-west-01", Kind: apply.EventStart, Action: engine.ActionReplace}},
				scriptStep{time.Second, apply.Event{Server: "web-frontend-production-eu-west-01", Kind: apply.EventFail, Action: engine.ActionReplace,
					Outcome: apply.OutcomeInterrupted, Err: apply.ErrInterrupted}})
			script = append(script, progressScript()[4:]...)
			for i, st := range script {
				clock.advance(st.after)
				p.Event(st.e)
				if n := term.count("["); n != 1 {
					t.Fatalf("after event %d the screen holds %d bars:\n%s", i, n, strings.Join(term.screen(), "\n"))
				}
			}
			p.Close()
			screen := term.screen()
			if last := screen[len(screen)-1]; !strings.HasPrefix(last, "[") || !strings.Contains(last, "6/6") && utf8.RuneCountInString(last) < width-1 {
				t.Errorf("the last line is not the final bar: %q", last)
			}
			for _, l := range screen {
				if strings.HasPrefix(l, "[") || strings.HasPrefix(l, "  ") {
					if n := utf8.RuneCountInString(l); n >= width {
						t.Errorf("frame line of %d columns on a %d-column terminal: %q", n, width, l)
					}
				}
			}
			// What is printed above the frame is never cut.
			if !strings.Contains(strings.Join(screen, ""), "hostname: Enter a valid hostname.") {
				t.Errorf("a failure printed above the frame was cut:\n%s", strings.Join(screen, "\n"))
			}
		})
	}
}

// TestLiveProgressClockTicks: the elapsed time of a server moves every
// second on its own, not only when a poll returns an event.
func TestLiveProgressClockTicks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		term := newTerminal(80)
		p := NewLiveProgress(term, 2, LiveOptions{})
		p.Event(apply.Event{Server: "web-01", Kind: apply.EventStart, Action: engine.ActionCreate})
		for want := 1; want <= 4; want++ {
			time.Sleep(time.Second)
			synctest.Wait()
			if line := serverLine(term, "web-01"); !strings.HasSuffix(line, fmt.Sprintf(" %ds", want)) {
				t.Fatalf("after %ds the line reads %q:\n%s", want, line, strings.Join(term.screen(), "\n"))
			}
		}
		p.Close()
		frozen := strings.Join(term.screen(), "\n")
		time.Sleep(3 * time.Second)
		synctest.Wait()
		if now := strings.Join(term.screen(), "\n"); now != frozen {
			t.Errorf("the view drew after Close:\n%s", now)
		}
	})
}

// serverLine returns the frame line of server, or "".
func serverLine(term *terminal, server string) string {
	for _, l := range term.screen() {
		if strings.HasPrefix(l, "  "+server+" ") {
			return strings.TrimRight(l, " ")
		}
	}
	return ""
}

// TestLiveProgressSayStays: a message given while the view runs (the
// Ctrl-C notice) is printed above the frame and stays there through the
// frames that follow, instead of being erased by the next one.
func TestLiveProgressSayStays(t *testing.T) {
	t.Parallel()
	const notice = "Interrupt received: starting nothing new, letting requests in flight finish."
	term := newTerminal(60)
	clock := newFakeClock()
	p := NewLiveProgress(term, 4, LiveOptions{Width: func() int { return 60 }, Now: clock.now, Tick: -1})
	p.Event(apply.Event{Server: "web-01", Kind: apply.EventStart, Action: engine.ActionCreate})
	p.Event(apply.Event{Server: "web-02", Kind: apply.EventStart, Action: engine.ActionCreate})
	p.Say("\n" + notice + "\nPress Ctrl-C again to exit at once.")
	for i := range 5 {
		clock.advance(time.Second)
		p.Event(apply.Event{Server: "web-01", Kind: apply.EventStill, Action: engine.ActionCreate, Elapsed: time.Duration(i) * time.Second})
	}
	p.Event(apply.Event{Server: "web-02", Kind: apply.EventFail, Action: engine.ActionCreate, Outcome: apply.OutcomeInterrupted, Err: apply.ErrInterrupted})
	p.Event(apply.Event{Server: "web-03", Kind: apply.EventFail, Action: engine.ActionCreate, Outcome: apply.OutcomeFailed, Err: errors.New("boom")})
	p.Event(apply.Event{Server: "web-01", Kind: apply.EventComplete})
	p.Close()
	screen := strings.Join(term.screen(), "\n")
	text := strings.Join(term.screen(), "") // wrapped lines joined again
	if !strings.Contains(text, notice) || !strings.Contains(screen, "Press Ctrl-C again") {
		t.Errorf("the notice was erased:\n%s", screen)
	}
	if n := term.count("["); n != 1 {
		t.Errorf("%d bars on the screen:\n%s", n, screen)
	}
	if i, j := strings.Index(text, notice), strings.Index(text, "web-03: failed"); i < 0 || j < i {
		t.Errorf("the notice is not above what came after it:\n%s", screen)
	}
}
