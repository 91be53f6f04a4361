package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/vpsfleet/vpsfleet/engine"
)

// MaxMarkdownBytes bounds Markdown's output: a GitHub comment holds
// at most 65,536 characters, and bytes never undercount characters.
const MaxMarkdownBytes = 65536

// markdownListCap is how many servers the delete/replace warning names
// before it says "and N more".
const markdownListCap = 20

// Markdown writes the plan as a pull-request comment: a heading,
// SummaryLine, a warning naming the servers it deletes or replaces, the
// other warnings, then a table of the changes, then one folded <details>
// block per change with its attributes as a diff. The output is never
// longer than MaxMarkdownBytes: when it would be, table rows and details
// are cut from the end and a closing line says how many were left out;
// the summary and the delete/replace warning are never cut. It returns the
// first write error.
func Markdown(w io.Writer, p *engine.Plan) error {
	if p == nil {
		p = engine.NewPlan()
	}
	head := markdownHead(p)
	if p.Empty() {
		_, err := io.WriteString(w, head)
		return err
	}
	var rows, details []string
	for _, c := range p.Changes {
		rows = append(rows, markdownRow(c))
		details = append(details, markdownDetails(c))
	}
	const tableHead = "\n| | Server | Actions | Reason |\n|---|---|---|---|\n"
	// Reserve room for the closing note, whatever it says.
	budget := MaxMarkdownBytes - len(head) - len(tableHead) - 200
	var b strings.Builder
	b.WriteString(head)
	b.WriteString(tableHead)
	shownRows, budget := writeWithin(&b, rows, budget)
	b.WriteString("\n")
	shownDetails := 0
	if shownRows == len(rows) {
		shownDetails, _ = writeWithin(&b, details, budget)
	}
	if left := len(rows) - shownRows; left > 0 {
		fmt.Fprintf(&b, "\n_%s left out of the table and all details, to fit a pull-request comment; run `vpsfleet show` on the plan file for everything._\n",
			countNoun(left, "change"))
	} else if left := len(details) - shownDetails; left > 0 {
		fmt.Fprintf(&b, "\n_Details of %s left out to fit a pull-request comment; run `vpsfleet show` on the plan file for everything._\n",
			countNoun(left, "change"))
	}
	_, err := io.WriteString(w, b.String())
	return err
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

// markdownHead is the part of the comment that is never cut: heading,
// summary, the delete/replace warning, the other warnings (capped) and
// the unmanaged count.
func markdownHead(p *engine.Plan) string {
	var b strings.Builder
	b.WriteString("### vpsfleet plan\n\n")
	fmt.Fprintf(&b, "**%s**\n", SummaryLine(p))
	var destructive []string
	for _, c := range p.Changes {
		switch {
		case c.Has(engine.ActionReplace):
			destructive = append(destructive, "`"+c.Name+"` (replace)")
		case c.Has(engine.ActionDelete):
			destructive = append(destructive, "`"+c.Name+"` (delete)")
		}
	}
	if len(destructive) > 0 {
		fmt.Fprintf(&b, "\n> [!WARNING]\n> This plan deletes or replaces %s: %s.\n",
			countNoun(len(destructive), "server"), capList(destructive, markdownListCap))
	}
	if len(p.Warnings) > 0 {
		b.WriteString("\n")
		for i, warn := range p.Warnings {
			if i == markdownListCap {
				fmt.Fprintf(&b, "- … and %s more\n", countNoun(len(p.Warnings)-i, "warning"))
				break
			}
			fmt.Fprintf(&b, "- :warning: %s\n", markdownEscape(warn))
		}
	}
	if p.Unmanaged > 0 {
		fmt.Fprintf(&b, "\n%s in the account %s not managed by this fleet.\n", countNoun(p.Unmanaged, "other server"), isAre(p.Unmanaged))
	}
	return b.String()
}

// capList joins items, naming at most n of them.
func capList(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

// markdownRow is one table row of a change.
func markdownRow(c engine.Change) string {
	acts := make([]string, len(c.Actions))
	for i, a := range c.Actions {
		acts[i] = string(a)
	}
	return fmt.Sprintf("| `%s` | %s | %s | %s |\n",
		Symbol(c), markdownEscape(c.Subject()), strings.Join(acts, ", "), markdownEscape(c.Reason))
}

// markdownDetails is the folded block of a change: its attributes as a
// diff.
func markdownDetails(c engine.Change) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n<details><summary><code>%s</code> %s</summary>\n\n```diff\n", c.Subject(), actionPhrase(c))
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
