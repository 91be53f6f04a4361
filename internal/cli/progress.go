package cli

import (
	"fmt"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply"
	"github.com/vpsfleet/vpsfleet/engine/render"
)

// withEvents runs one apply or destroy. Without -json it is run(c). With
// -json, standard output carries the event stream (render.EventStream)
// and nothing else: everything the command shows people, the plan, the
// confirmation prompt, the progress and the report, goes to standard
// error instead, as it would to a terminal or a log, and the stream ends
// with an exit line holding the exit code and the last error printed.
// This is the one place the machine view is chosen.
func (c *cli) withEvents(asJSON bool, run func(*cli) int) int {
	if !asJSON {
		return run(c)
	}
	human := *c
	human.stdout, human.stdoutTTY, human.stdoutWidth = c.stderr, c.stderrTTY, c.stderrWidth
	human.events = render.NewEventStream(c.stdout, time.Now)
	code := run(&human)
	human.events.Exit(code, human.failure)
	if err := human.events.Err(); err != nil && code == exitOK {
		return c.errorf("writing the event stream: %v", err)
	}
	return code
}

// progressView is how an apply is shown while it runs.
type progressView struct {
	apply.Progress
	// say shows people a message while the apply runs (what a Ctrl-C
	// does): above the live view, where the next frame does not erase
	// it, or on stderr between the progress lines.
	say func(msg string)
	// close draws the last frame and stops the live view's clock.
	close func()
}

// progress chooses the live view on a terminal, as wide as the terminal,
// and event lines otherwise; with -json it also feeds the event stream,
// whose plan line it writes first.
func (c *cli) progress(plan *engine.Plan) progressView {
	var view progressView
	if c.stdoutTTY {
		live := render.NewLiveProgress(c.stdout, len(plan.Changes), render.LiveOptions{Width: c.columns, Now: time.Now})
		view = progressView{Progress: live, say: live.Say, close: func() { live.Close() }}
	} else {
		view = progressView{
			Progress: render.NewLineProgress(c.stdout, time.Now),
			say:      func(msg string) { fmt.Fprint(c.stderr, msg) },
			close:    func() {},
		}
	}
	if c.events != nil {
		c.events.Plan(plan)
		view.Progress = progressPair{c.events, view.Progress}
	}
	return view
}

// progressPair hands every event to the event stream, then to the view
// for people.
type progressPair struct {
	machine, human apply.Progress
}

// Event implements apply.Progress.
func (p progressPair) Event(e apply.Event) {
	p.machine.Event(e)
	p.human.Event(e)
}
