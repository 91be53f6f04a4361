package cli

import (
	"errors"
	"flag"
	"fmt"

	"github.com/vpsfleet/vpsfleet/engine/render"
)

// markdownFlags shape the -markdown output of plan and show.
type markdownFlags struct {
	maxBytes int
	fullPlan string
}

// register adds -markdown-max-bytes and -full-plan to fs.
func (m *markdownFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&m.maxBytes, "markdown-max-bytes", render.MaxMarkdownBytes,
		"longest -markdown output, in `bytes`: 65536 fits a pull-request comment, 1048576 a GitHub job summary (at least 4096)")
	fs.StringVar(&m.fullPlan, "full-plan", "",
		"`where` the whole plan is kept, named by the notes of a -markdown plan that had to be cut: a URL (shown as a link, e.g. the CI run) or a few words")
}

// check refuses the flags without -markdown, and a size that cannot hold
// a plan's summary.
func (m *markdownFlags) check(markdown bool) error {
	if !markdown && (m.maxBytes != render.MaxMarkdownBytes || m.fullPlan != "") {
		return errors.New("-markdown-max-bytes and -full-plan shape the Markdown output: add -markdown")
	}
	if m.maxBytes < 4096 {
		return fmt.Errorf("-markdown-max-bytes %d: give at least 4096, room for the summary and the names of what is deleted", m.maxBytes)
	}
	return nil
}

// options are the render options of the flags; a destroy plan is headed
// as one.
func (m *markdownFlags) options(destroy bool) render.MarkdownOptions {
	opts := render.MarkdownOptions{MaxBytes: m.maxBytes, FullPlan: m.fullPlan}
	if destroy {
		opts.Heading = "vpsfleet plan -destroy"
	}
	return opts
}
