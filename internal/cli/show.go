package cli

import (
	"flag"
	"fmt"
	"time"

	"github.com/vpsfleet/vpsfleet/engine/planfile"
	"github.com/vpsfleet/vpsfleet/engine/render"
)

var showCommand = &command{
	name:        "show",
	synopsis:    "Render a saved plan file",
	usage:       "[-json|-markdown [-markdown-max-bytes N] [-full-plan WHERE]] [-no-color] FILE",
	description: "Render a plan saved with \"vpsfleet plan -out FILE\", as text (default), JSON or Markdown. The account is not read.",
	flags: func(c *cli, fs *flag.FlagSet) func([]string) int {
		asJSON := fs.Bool("json", false, "print the plan as one JSON document")
		asMarkdown := fs.Bool("markdown", false, "print the plan as Markdown")
		noColor := fs.Bool("no-color", false, "no colour in the output")
		var md markdownFlags
		md.register(fs)
		return func(pos []string) int { return c.runShow(pos, *asJSON, *asMarkdown, *noColor, md) }
	},
}

// runShow renders the saved plan named by pos.
func (c *cli) runShow(pos []string, asJSON, asMarkdown, noColor bool, md markdownFlags) int {
	if asJSON && asMarkdown {
		return c.errorf("-json and -markdown cannot be combined: choose one output.")
	}
	if err := md.check(asMarkdown); err != nil {
		return c.errorf("%v", err)
	}
	if len(pos) != 1 {
		return c.errorf("show needs one saved plan file, e.g. vpsfleet show plan.out")
	}
	saved, err := planfile.Read(pos[0])
	if err != nil {
		return c.errorf("%v", err)
	}
	switch {
	case asJSON:
		err = render.JSON(c.stdout, saved.Plan)
	case asMarkdown:
		err = render.MarkdownWith(c.stdout, saved.Plan, md.options(saved.Destroy))
	default:
		what := "Saved plan"
		if saved.Destroy {
			what = "Saved destroy plan"
		}
		fmt.Fprintf(c.stdout, "%s for %s, made %s.\n\n", what, saved.Endpoint, saved.CreatedAt.UTC().Format(time.RFC3339))
		err = render.Text(c.stdout, saved.Plan, c.color(noColor))
	}
	if err != nil {
		return c.errorf("%v", err)
	}
	return exitOK
}
