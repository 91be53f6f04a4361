package cli

import (
	"time"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/engine/apply"
	"github.com/vpsfleet/vpsfleet/engine/render"
)

// progress chooses the live view on a terminal, event lines otherwise, and
// returns it with what finishes it.
func (c *cli) progress(plan *engine.Plan) (apply.Progress, func()) {
	if c.stdoutTTY {
		live := render.NewLiveProgress(c.stdout, len(plan.Changes), time.Now)
		return live, func() { live.Close() }
	}
	return render.NewLineProgress(c.stdout, time.Now), func() {}
}
