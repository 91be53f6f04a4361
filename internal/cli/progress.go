package cli

import (
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
	human.stdout, human.stdoutTTY = c.stderr, c.stderrTTY
	human.events = render.NewEventStream(c.stdout, time.Now)
	code := run(&human)
	human.events.Exit(code, human.failure)
	if err := human.events.Err(); err != nil && code == exitOK {
		return c.errorf("writing the event stream: %v", err)
	}
	return code
}

// progress chooses the view of an apply: the live view on a terminal,
// event lines otherwise, and with -json also the event stream (whose plan
// line it writes first). It returns the view with what finishes it.
func (c *cli) progress(plan *engine.Plan) (apply.Progress, func()) {
	var human apply.Progress
	finish := func() {}
	if c.stdoutTTY {
		live := render.NewLiveProgress(c.stdout, len(plan.Changes), time.Now)
		human, finish = live, func() { live.Close() }
	} else {
		human = render.NewLineProgress(c.stdout, time.Now)
	}
	if c.events == nil {
		return human, finish
	}
	c.events.Plan(plan)
	return progressPair{c.events, human}, finish
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
