package cli

import (
	"fmt"
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply"
	"github.com/vpsfleet/vpsfleet/engine/render"
)

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
// and event lines otherwise.
func (c *cli) progress(plan *engine.Plan) progressView {
	if c.stdoutTTY {
		live := render.NewLiveProgress(c.stdout, len(plan.Changes), render.LiveOptions{Width: c.columns, Now: time.Now})
		return progressView{Progress: live, say: live.Say, close: func() { live.Close() }}
	}
	return progressView{
		Progress: render.NewLineProgress(c.stdout, time.Now),
		say:      func(msg string) { fmt.Fprint(c.stderr, msg) },
		close:    func() {},
	}
}
