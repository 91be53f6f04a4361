// Package render holds the views of vpsfleet: the plan as text (colour on
// request), JSON and Markdown, the apply report, and the progress of an
// apply as log lines or a live terminal view. Every view reads plain data
// (engine.Plan, apply.Event, apply.Result) and never the executor's
// internals.
package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/fatih/color"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/internal/words"
)

// TextOptions say how Text writes a plan.
type TextOptions struct {
	// Color paints with ANSI escapes; the caller decides (a terminal, no
	// -no-color, no NO_COLOR).
	Color bool
	// ShowUnmanaged lists the unmanaged servers by name and id under
	// their count (plan -show-unmanaged).
	ShowUnmanaged bool
}

// Text writes the plan for people, in colour when color is true: see
// TextWith.
func Text(w io.Writer, p *engine.Plan, color bool) error {
	return TextWith(w, p, TextOptions{Color: color})
}

// TextWith writes the plan for people: one block per change (symbol,
// name, what will happen, the reason, its rollout batch and the groups it
// waits for, then each attribute before → after with "# forces
// replacement" where it does), the order of the changes by group when
// any group orders them ("web: 20 replacements in 10 batches of 2, pause
// 30s, health check ./check.sh; after db"), the warnings, the count of
// unmanaged servers (and, with opts.ShowUnmanaged, the list), and
// SummaryLine last. It returns the first write error.
func TextWith(w io.Writer, p *engine.Plan, opts TextOptions) error {
	bw := bufio.NewWriter(w)
	t := newTextStyle(opts.Color)
	if p == nil {
		p = engine.NewPlan()
	}
	if !p.Empty() {
		fmt.Fprintf(bw, "Actions are marked with these symbols:\n")
		for _, e := range legend(p.Changes) {
			pad := strings.Repeat(" ", max(0, 5-utf8.RuneCountInString(e.symbol)))
			fmt.Fprintf(bw, "%s%s %s\n", pad, t.forSymbol(e.symbol).Sprint(e.symbol), e.meaning)
		}
		fmt.Fprintf(bw, "\nvpsfleet will perform the following actions:\n\n")
	}
	for _, c := range p.Changes {
		writeTextChange(bw, t, c, changeOrderNote(p, c))
	}
	if lines := orderLines(p); len(lines) > 0 {
		fmt.Fprintf(bw, "Order of changes, by server block:\n")
		for _, l := range lines {
			fmt.Fprintf(bw, "  %s\n", l)
		}
		fmt.Fprintln(bw)
	}
	for _, warn := range p.Warnings {
		fmt.Fprintf(bw, "%s %s\n", t.warn.Sprint("Warning:"), warn)
	}
	if len(p.Warnings) > 0 {
		fmt.Fprintln(bw)
	}
	writeUnmanaged(bw, p, opts.ShowUnmanaged)
	fmt.Fprintln(bw, t.bold.Sprint(SummaryLine(p)))
	return bw.Flush()
}

// writeUnmanaged writes the count of unmanaged servers, and the list of
// them when list is true (else how to see it).
func writeUnmanaged(w io.Writer, p *engine.Plan, list bool) {
	if p.Unmanaged == 0 {
		return
	}
	what := fmt.Sprintf("%s in the account %s not managed by this fleet", words.Count(p.Unmanaged, "other server"), words.IsAre(p.Unmanaged))
	if !list || len(p.UnmanagedServers) == 0 {
		fmt.Fprintf(w, "%s (plan -show-unmanaged lists %s).\n", what, words.ItThem(p.Unmanaged))
		return
	}
	fmt.Fprintf(w, "%s:\n", what)
	for _, u := range p.UnmanagedServers {
		line := fmt.Sprintf("  %s (id %d)", u.Name, u.ID)
		if u.NamedLike != "" {
			line += ", named like " + u.NamedLike
		}
		fmt.Fprintln(w, line)
	}
}

// textStyle holds the colours of one rendering; all are plain when colour
// is off.
type textStyle struct {
	enabled                      bool
	create, update, remove, warn *color.Color
	dim, bold                    *color.Color
}

// newTextStyle makes fresh colour objects, enabled or not, leaving the
// package-global color.NoColor alone.
func newTextStyle(enabled bool) textStyle {
	return textStyle{
		enabled: enabled,
		create:  newColor(enabled, color.FgGreen),
		update:  newColor(enabled, color.FgYellow),
		remove:  newColor(enabled, color.FgRed),
		warn:    newColor(enabled, color.FgYellow, color.Bold),
		dim:     newColor(enabled, color.Faint),
		bold:    newColor(enabled, color.Bold),
	}
}

// newColor makes one colour object, enabled or not.
func newColor(enabled bool, attrs ...color.Attribute) *color.Color {
	c := color.New(attrs...)
	if enabled {
		c.EnableColor()
	} else {
		c.DisableColor()
	}
	return c
}

// forAction returns the colour of an action's symbol (its ActionInfo).
func (t textStyle) forAction(a engine.Action) *color.Color {
	info, _ := a.Info()
	return newColor(t.enabled, info.Color)
}

// forSymbol returns the colour of a change symbol: its action's, the
// replacement's for "+/-".
func (t textStyle) forSymbol(symbol string) *color.Color {
	if symbol == createFirstSymbol {
		return t.forAction(engine.ActionReplace)
	}
	for _, a := range engine.Actions() {
		if info, _ := a.Info(); info.Symbol == symbol {
			return t.forAction(a)
		}
	}
	return t.forAction("")
}

// writeTextChange writes one change block; order is what orders it ("",
// or "batch 2 of 10 of web's rollout; after db").
func writeTextChange(w io.Writer, t textStyle, c engine.Change, order string) {
	sym := t.forAction(c.Primary()).Sprint(Symbol(c))
	fmt.Fprintf(w, "  %s %s %s\n", sym, t.bold.Sprint(c.Subject()), actionPhrase(c))
	fmt.Fprintf(w, "      %s\n", t.dim.Sprint("# "+c.Reason))
	if order != "" {
		fmt.Fprintf(w, "      %s\n", t.dim.Sprint("# "+order))
	}
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
			line := fmt.Sprintf("      %s %s = %s → %s", t.update.Sprint("~"), name, a.BeforeText(), a.AfterText())
			if a.ForcesReplacement {
				line += " " + t.remove.Sprint("# forces replacement")
			}
			fmt.Fprintln(w, line)
		}
	}
	if c.CreateBeforeDestroy && c.Has(engine.ActionReplace) {
		fmt.Fprintf(w, "      %s\n", t.dim.Sprint("# create_before_destroy: the new server is made before the old one is deleted"))
	}
	fmt.Fprintln(w)
}
