package render

import (
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/internal/words"
)

// MaxMarkdownBytes bounds Markdown's output by default: a GitHub comment
// holds at most 65,536 characters, and bytes never undercount characters.
const MaxMarkdownBytes = 65536

// minMarkdownBytes is the least MarkdownOptions.MaxBytes honoured: room
// for the heading, the summary, the counts of what is deleted and
// replaced, and the pointer to the full plan.
const minMarkdownBytes = 4096

// markdownWarningCap is how many of the plan's warnings the comment lists
// before it says how many more there are.
const markdownWarningCap = 20

// markdownWarningBytes bounds one warning's line.
const markdownWarningBytes = 600

// MarkdownOptions adjust MarkdownWith. The zero value is Markdown's: a
// pull-request comment that points to `vpsfleet show` for the full plan.
type MarkdownOptions struct {
	// MaxBytes bounds the output: 0 is MaxMarkdownBytes; values under
	// 4096 are raised to 4096. A GitHub job summary holds 1 MiB.
	MaxBytes int
	// FullPlan says where the whole plan is kept, for the notes of a cut
	// comment: a URL (shown as a link, e.g. the CI run that keeps it as an
	// artifact and a job summary) or a few words. "" points to
	// `vpsfleet show` on the saved plan.
	FullPlan string
	// Heading is the text of the first line; "" is "vpsfleet plan".
	Heading string
}

// Markdown writes the plan as a pull-request comment: MarkdownWith with
// the zero MarkdownOptions (at most MaxMarkdownBytes, pointing to
// `vpsfleet show` for the full plan).
func Markdown(w io.Writer, p *engine.Plan) error {
	return MarkdownWith(w, p, MarkdownOptions{})
}

// MarkdownWith writes the plan as Markdown for a pull-request comment or a
// job summary, in this order: a heading; SummaryLine; when the plan
// deletes or replaces servers, a caution and the name of every server
// deleted, then of every server replaced; the plan's warnings (at most
// 20); the count of unmanaged servers; the order of the changes by server
// block, when any block orders them (rollout batches, depends_on; at most
// 20 lines); a table of the changes (a change of a rollout names its
// batch); and one folded <details> block per change with its attributes
// as a diff.
//
// The output is never longer than opts.MaxBytes. The heading, the summary
// and the caution are never cut, and the names of deleted and replaced
// servers come before anything else that could be: they are all named
// whatever the plan's size, unless even the names alone cannot fit, and
// then it names as many as fit (deletes first), says how many it does
// not, and points to the full plan (opts.FullPlan). What does not fit
// after them is cut from the end (details first, then table rows, then
// the order, then warnings), and a closing note says how much was left out and where the
// full plan is. It returns the first write error.
func MarkdownWith(w io.Writer, p *engine.Plan, opts MarkdownOptions) error {
	if p == nil {
		p = engine.NewPlan()
	}
	limit := opts.MaxBytes
	switch {
	case limit == 0:
		limit = MaxMarkdownBytes
	case limit < minMarkdownBytes:
		limit = minMarkdownBytes
	}
	pointer := fullPlanPointer(opts.FullPlan)
	fit := "to fit a pull-request comment"
	if limit != MaxMarkdownBytes {
		fit = fmt.Sprintf("to stay under %d bytes", limit)
	}

	var b strings.Builder
	heading := opts.Heading
	if heading == "" {
		heading = "vpsfleet plan"
	}
	fmt.Fprintf(&b, "### %s\n\n**%s**\n", markdownEscape(heading), SummaryLine(p))
	// The closing note and the "not named" line, whatever they say, always
	// have room.
	const many = 1 << 30
	budget := limit - b.Len() - len(cutNote(many, many, many, 0, fit, pointer)) - len(unnamedLine(many, pointer))

	deleted, replaced := destructive(p)
	if len(deleted)+len(replaced) > 0 {
		caution := cautionLine(len(deleted), len(replaced))
		b.WriteString(caution)
		budget = writeNames(&b, deleted, replaced, budget-len(caution), pointer)
	}

	warnings := markdownWarnings(p)
	shownWarnings, budget := writeWithin(&b, warnings, budget)
	order := markdownOrder(p)
	shownOrder, budget := writeWithin(&b, order, budget)

	rows := make([]string, len(p.Changes))
	for i, c := range p.Changes {
		rows[i] = markdownRow(p, c)
	}
	const tableHead = "\n| | Server | Actions | Reason |\n|---|---|---|---|\n"
	shownRows, shownDetails := 0, 0
	if len(rows) > 0 && len(tableHead)+len(rows[0]) <= budget {
		b.WriteString(tableHead)
		shownRows, budget = writeWithin(&b, rows, budget-len(tableHead))
		if shownRows == len(rows) && budget > 0 {
			// Details only once every row is in, each made only if it fits.
			b.WriteString("\n")
			budget--
			for _, c := range p.Changes {
				d := markdownDetails(c)
				if len(d) > budget {
					break
				}
				b.WriteString(d)
				budget -= len(d)
				shownDetails++
			}
		}
	}
	b.WriteString(cutNote(len(warnings)-shownWarnings, len(order)-shownOrder, len(rows)-shownRows, len(p.Changes)-shownDetails, fit, pointer))
	_, err := io.WriteString(w, b.String())
	return err
}

// destructive lists the names of the changes that delete a server, and of
// those that replace one, in the plan's order, as code spans.
func destructive(p *engine.Plan) (deleted, replaced []string) {
	for _, c := range p.Changes {
		switch {
		case c.Has(engine.ActionReplace):
			replaced = append(replaced, codeName(c.Name))
		case c.Has(engine.ActionDelete):
			deleted = append(deleted, codeName(c.Name))
		}
	}
	return deleted, replaced
}

// cautionLine is the alert above the names of what is deleted and
// replaced.
func cautionLine(deletes, replaces int) string {
	var what string
	switch {
	case replaces == 0:
		what = "deletes " + words.Count(deletes, "server")
	case deletes == 0:
		what = "replaces " + words.Count(replaces, "server") + " (each is deleted and created anew)"
	default:
		what = fmt.Sprintf("deletes %s and replaces %d (each replaced server is deleted and created anew)", words.Count(deletes, "server"), replaces)
	}
	return "\n> [!CAUTION]\n> This plan " + what + ".\n"
}

// writeNames writes the "Deleted" and "Replaced" lists, as many names as
// fit in budget (deletes first), then a line saying how many are not named
// and where the full plan is, and returns the budget left.
func writeNames(b *strings.Builder, deleted, replaced []string, budget int, pointer string) int {
	unnamed := 0
	for _, list := range []struct {
		title string
		names []string
	}{{"Deleted", deleted}, {"Replaced", replaced}} {
		if len(list.names) == 0 {
			continue
		}
		head := fmt.Sprintf("\n**%s (%d):** ", list.title, len(list.names))
		if len(head)+len(list.names[0])+2 > budget {
			unnamed += len(list.names)
			continue
		}
		b.WriteString(head)
		budget -= len(head) + 2
		shown := 0
		for i, name := range list.names {
			sep := ""
			if i > 0 {
				sep = ", "
			}
			if len(sep)+len(name) > budget {
				break
			}
			b.WriteString(sep + name)
			budget -= len(sep) + len(name)
			shown++
		}
		b.WriteString(".\n")
		unnamed += len(list.names) - shown
	}
	b.WriteString(unnamedLine(unnamed, pointer))
	return budget
}

// unnamedLine says how many deleted or replaced servers the comment could
// not name, and where they all are; "" when it named them all.
func unnamedLine(n int, pointer string) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("\n**%s deleted or replaced %s not named here, for lack of room.** The full plan names every one: %s.\n",
		words.Count(n, "more server"), words.IsAre(n), pointer)
}

// markdownWarnings are the lines of the warnings and unmanaged count, at
// most markdownWarningCap warnings, each at most markdownWarningBytes.
func markdownWarnings(p *engine.Plan) []string {
	var out []string
	for i, warn := range p.Warnings {
		if i == markdownWarningCap {
			out = append(out, fmt.Sprintf("- … and %s more\n", words.Count(len(p.Warnings)-i, "warning")))
			break
		}
		line := markdownEscape(warn)
		if len(line) > markdownWarningBytes {
			line = cutUTF8(line, markdownWarningBytes) + "…"
		}
		out = append(out, "- :warning: "+line+"\n")
	}
	if len(out) > 0 {
		out[0] = "\n" + out[0]
	}
	if p.Unmanaged > 0 {
		out = append(out, fmt.Sprintf("\n%s in the account %s not managed by this fleet.\n", words.Count(p.Unmanaged, "other server"), words.IsAre(p.Unmanaged)))
	}
	return out
}

// cutNote is the closing line saying what was left out (warnings, lines
// of the order of changes, table rows, details) and where the full plan
// is; "" when nothing was.
func cutNote(warnings, order, rows, details int, fit, pointer string) string {
	var parts []string
	if warnings > 0 {
		parts = append(parts, words.Count(warnings, "warning"))
	}
	if order > 0 {
		parts = append(parts, words.Count(order, "line")+" of the order of changes")
	}
	switch {
	case rows > 0:
		parts = append(parts, words.Count(rows, "change")+" of the table, and the details of every change")
	case details > 0:
		parts = append(parts, "the details of "+words.Count(details, "change"))
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("\n_Left out %s: %s. The full plan: %s._\n", fit, strings.Join(parts, "; "), pointer)
}

// fullPlanPointer words where the full plan is: a link for a URL, the
// given words, or `vpsfleet show` by default.
func fullPlanPointer(where string) string {
	switch {
	case where == "":
		return "run `vpsfleet show` on the file saved by `vpsfleet plan -out`"
	case strings.HasPrefix(where, "https://") || strings.HasPrefix(where, "http://"):
		return "<" + strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20", "\n", "").Replace(where) + ">"
	}
	return markdownEscape(where)
}

// writeWithin writes parts to b in order for as long as each fits in
// budget bytes, and returns how many it wrote and the budget left.
func writeWithin(b *strings.Builder, parts []string, budget int) (written, left int) {
	for _, s := range parts {
		if len(s) > budget {
			break
		}
		b.WriteString(s)
		budget -= len(s)
		written++
	}
	return written, budget
}

// codeName is a server name as a code span, or escaped text when it holds
// a character a code span cannot.
func codeName(name string) string {
	if strings.ContainsAny(name, "`\n\r|") || name == "" {
		return markdownEscape(name)
	}
	return "`" + name + "`"
}

// cutUTF8 cuts s to at most n bytes, never inside a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// markdownRow is one table row of a change; a change of a rollout
// names its batch with its actions.
func markdownRow(p *engine.Plan, c engine.Change) string {
	acts := make([]string, len(c.Actions))
	for i, a := range c.Actions {
		acts[i] = string(a)
	}
	actions := strings.Join(acts, ", ")
	if g := p.Group(c.Group); c.Batch > 0 && g != nil && g.Rollout != nil {
		actions += fmt.Sprintf(" (batch %d of %d)", c.Batch, g.Rollout.Batches)
	}
	return fmt.Sprintf("| `%s` | %s | %s | %s |\n",
		Symbol(c), markdownEscape(c.Subject()), actions, markdownEscape(c.Reason))
}

// markdownOrderCap is how many lines of the order of changes the comment
// lists before it says how many more there are.
const markdownOrderCap = 20

// markdownOrder are the lines of the order of changes (see orderLines) as
// a list under a heading; none when nothing orders the changes.
func markdownOrder(p *engine.Plan) []string {
	lines := orderLines(p)
	var out []string
	for i, l := range lines {
		if i == markdownOrderCap {
			out = append(out, fmt.Sprintf("- … and %s more\n", words.Count(len(lines)-i, "server block")))
			break
		}
		out = append(out, "- "+markdownEscape(l)+"\n")
	}
	if len(out) > 0 {
		out[0] = "\n**Order of changes, by server block:**\n\n" + out[0]
	}
	return out
}

// markdownDetails is the folded block of a change: its attributes as a
// diff.
func markdownDetails(c engine.Change) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n<details><summary><code>%s</code> %s</summary>\n\n```diff\n", html.EscapeString(c.Subject()), actionPhrase(c))
	for _, a := range c.Attributes() {
		switch {
		case c.Before == nil:
			fmt.Fprintf(&b, "+ %s = %s\n", a.Name, a.After)
		case c.After == nil:
			fmt.Fprintf(&b, "- %s = %s\n", a.Name, a.Before)
		default:
			fmt.Fprintf(&b, "- %s = %s\n+ %s = %s", a.Name, a.BeforeText(), a.Name, a.AfterText())
			if a.ForcesReplacement {
				b.WriteString("  # forces replacement")
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("```\n\n</details>\n")
	return b.String()
}

// markdownEscape keeps text from being read as Markdown or HTML inside a
// table cell or list item.
func markdownEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '|', '[', ']', '<', '>', '#', '~':
			b.WriteByte('\\')
		case '\n':
			b.WriteString(" ")
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
