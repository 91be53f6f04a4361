package engine

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fatih/color"
)

// RenderText writes the plan for people: one block per change (symbol,
// name, what will happen, the reason, then each attribute before → after
// with "# forces replacement" where it does), the warnings, the count of
// unmanaged servers, and SummaryLine last. Colour (ANSI) only when color
// is true; the caller decides (a terminal, no -no-color, no NO_COLOR). It
// returns the first write error.
func RenderText(w io.Writer, p *Plan, color bool) error {
	bw := bufio.NewWriter(w)
	t := newTextStyle(color)
	if p == nil {
		p = newPlan()
	}
	if !p.Empty() {
		fmt.Fprintf(bw, "vpsfleet will perform the following actions:\n\n")
	}
	for _, c := range p.Changes {
		writeTextChange(bw, t, c)
	}
	for _, warn := range p.Warnings {
		fmt.Fprintf(bw, "%s %s\n", t.warn.Sprint("Warning:"), warn)
	}
	if len(p.Warnings) > 0 {
		fmt.Fprintln(bw)
	}
	if p.Unmanaged > 0 {
		fmt.Fprintf(bw, "%s in the account %s not managed by this fleet.\n",
			countNoun(p.Unmanaged, "other server"), isAre(p.Unmanaged))
	}
	fmt.Fprintln(bw, t.bold.Sprint(SummaryLine(p)))
	return bw.Flush()
}

// isAre agrees the verb with a count.
func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// textStyle holds the colours of one rendering; all are plain when colour
// is off.
type textStyle struct {
	create, update, replace, remove, power, rename, warn, dim, bold *color.Color
}

// newTextStyle makes fresh colour objects, enabled or not, leaving the
// package-global color.NoColor alone.
func newTextStyle(enabled bool) textStyle {
	mk := func(attrs ...color.Attribute) *color.Color {
		c := color.New(attrs...)
		if enabled {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	return textStyle{
		create:  mk(color.FgGreen),
		update:  mk(color.FgYellow),
		replace: mk(color.FgMagenta),
		remove:  mk(color.FgRed),
		power:   mk(color.FgCyan),
		rename:  mk(color.FgBlue),
		warn:    mk(color.FgYellow, color.Bold),
		dim:     mk(color.Faint),
		bold:    mk(color.Bold),
	}
}

// forAction returns the colour of an action's symbol.
func (t textStyle) forAction(a Action) *color.Color {
	switch a {
	case ActionCreate:
		return t.create
	case ActionUpdate:
		return t.update
	case ActionReplace:
		return t.replace
	case ActionDelete:
		return t.remove
	case ActionRename:
		return t.rename
	}
	return t.power
}

// writeTextChange writes one change block.
func writeTextChange(w io.Writer, t textStyle, c Change) {
	sym := t.forAction(primaryAction(c)).Sprint(Symbol(c))
	fmt.Fprintf(w, "  %s %s %s\n", sym, t.bold.Sprint(subjectName(c)), actionPhrase(c))
	fmt.Fprintf(w, "      %s\n", t.dim.Sprint("# "+c.Reason))
	attrs := c.Attributes()
	width := 0
	for _, a := range attrs {
		width = max(width, len(a.Name))
	}
	for _, a := range attrs {
		name := a.Name + strings.Repeat(" ", width-len(a.Name))
		switch {
		case c.Before == nil:
			fmt.Fprintf(w, "      %s %s = %s\n", t.create.Sprint("+"), name, a.After)
		case c.After == nil:
			fmt.Fprintf(w, "      %s %s = %s\n", t.remove.Sprint("-"), name, a.Before)
		default:
			line := fmt.Sprintf("      %s %s = %s → %s", t.update.Sprint("~"), name, orNone(a.Before), orNone(a.After))
			if a.ForcesReplacement {
				line += " " + t.remove.Sprint("# forces replacement")
			}
			fmt.Fprintln(w, line)
		}
	}
	if c.CreateBeforeDestroy && c.Has(ActionReplace) {
		fmt.Fprintf(w, "      %s\n", t.dim.Sprint("# create_before_destroy: the new server is made before the old one is deleted"))
	}
	fmt.Fprintln(w)
}

// itoa formats an id.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
