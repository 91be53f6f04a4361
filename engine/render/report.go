package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/vpsfleet/vpsfleet/engine/apply"
	"github.com/vpsfleet/vpsfleet/internal/words"
)

// ANSI colours of the report.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
)

// ReportOptions say how Report words and paints the end of a run.
type ReportOptions struct {
	// Color paints with ANSI escapes.
	Color bool
	// Destroy words the summary for vpsfleet destroy ("Destroy
	// complete! 3 servers destroyed.") instead of apply.
	Destroy bool
	// Reboot words it for vpsfleet reboot ("Reboot complete! 12 servers
	// rebooted.").
	Reboot bool
}

// Report writes the end of an apply (or destroy) to w: one line per
// server (done, failed, not started or interrupted, with the reason),
// then a summary line, and lines saying when a 402 or a 401 stopped the
// run. The summary of an apply that succeeded mirrors the plan's
// (SummaryLine): "Apply complete! 1 created, 2 updated, 1 replaced, 1
// deleted, 1 power change."; otherwise it says how many of the changes
// were done, what they were, and how many failed, were not started or
// were interrupted. It returns the first write error.
func Report(w io.Writer, r *apply.Result, opts ReportOptions) error {
	if r == nil {
		return fmt.Errorf("apply report: no result to report")
	}
	paint := func(code, s string) string {
		if !opts.Color {
			return s
		}
		return code + s + ansiReset
	}
	var b strings.Builder
	for _, s := range r.Results {
		b.WriteString(s.Name)
		b.WriteString(": ")
		switch s.Outcome {
		case apply.OutcomeDone:
			b.WriteString(paint(ansiGreen, string(s.Outcome)))
		case apply.OutcomeFailed:
			b.WriteString(paint(ansiRed, string(s.Outcome)))
		default:
			b.WriteString(paint(ansiYellow, string(s.Outcome)))
		}
		if len(s.Actions) > 0 {
			words := make([]string, len(s.Actions))
			for i, a := range s.Actions {
				words[i] = string(a)
			}
			fmt.Fprintf(&b, " (%s)", strings.Join(words, ", "))
		}
		if s.ID != 0 {
			fmt.Fprintf(&b, " [id=%d]", s.ID)
		}
		if s.Outcome != apply.OutcomeNotStarted {
			fmt.Fprintf(&b, " after %s", elapsedText(s.Elapsed))
		}
		if s.Batch.Number > 0 {
			fmt.Fprintf(&b, " (%s)", s.Batch)
		}
		if s.Err != nil {
			fmt.Fprintf(&b, ": %s", errLine(s.Err))
		} else if s.Note != "" {
			fmt.Fprintf(&b, ": %s", s.Note)
		}
		b.WriteString("\n")
	}
	b.WriteString(summaryOfRun(r, opts, paint))
	b.WriteString("\n")
	command := "apply"
	switch {
	case opts.Destroy:
		command = "destroy"
	case opts.Reboot:
		command = "reboot"
	}
	if r.CreditsExhausted {
		fmt.Fprintf(&b, "Credits ran out (402): %d %s created before the API refused more; add credits and run apply again.\n",
			r.Created, words.Plural(r.Created, "server was", "servers were"))
	}
	if r.Unauthorized {
		fmt.Fprintf(&b, "The API refused the token (401): everything stopped; check VPSORG_TOKEN and run %s again.\n", command)
	}
	if r.Interrupted {
		fmt.Fprintf(&b, "Interrupted: nothing new was started; run %s again to continue.\n", command)
	}
	if names := r.InFlight; len(names) > 0 {
		fmt.Fprintf(&b, "Requests may still be in flight for: %s; run plan to see where they stand.\n", strings.Join(names, ", "))
	}
	for _, d := range r.Duplicates {
		fmt.Fprintf(&b, "%s %s. The account no longer matches the fleet: find out which one is in use, delete the other (vpsfleet server delete ID), then run plan.\n",
			paint(ansiBold+ansiRed, "Duplicate:"), d)
	}
	if r.CheckErr != nil {
		fmt.Fprintf(&b, "%s %s; run plan to see whether any name is carried twice.\n", paint(ansiBold+ansiRed, "Not checked:"), errLine(r.CheckErr))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// summaryOfRun is the summary line of Report, painted by paint.
func summaryOfRun(r *apply.Result, opts ReportOptions, paint func(code, s string) string) string {
	destroy := opts.Destroy
	var done tally
	for _, s := range r.Results {
		if s.Outcome == apply.OutcomeDone {
			done.add(s.Actions)
		}
	}
	word, past := "Apply", ""
	switch {
	case destroy:
		word, past = "Destroy", "destroyed"
	case opts.Reboot:
		word, past = "Reboot", "rebooted"
	}
	var lost []string
	for _, o := range []apply.Outcome{apply.OutcomeFailed, apply.OutcomeNotStarted, apply.OutcomeInterrupted} {
		if n := r.Count(o); n > 0 {
			lost = append(lost, fmt.Sprintf("%d %s", n, o))
		}
	}
	n, made := len(r.Results), r.Count(apply.OutcomeDone)
	switch {
	case r.OK() && past != "":
		return paint(ansiBold+ansiGreen, word+" complete!") + fmt.Sprintf(" %s %s.", words.Count(made, "server"), past)
	case r.OK():
		return paint(ansiBold+ansiGreen, word+" complete!") + " " + done.done() + "."
	}
	head := word + " failed."
	if r.Interrupted && r.Count(apply.OutcomeFailed) == 0 {
		head = word + " interrupted."
	}
	var what string
	if past != "" {
		what = fmt.Sprintf("%d of %s %s", made, words.Count(n, "server"), past)
	} else {
		what = fmt.Sprintf("%d of %s done", made, words.Count(n, "change"))
		if made > 0 {
			what += " (" + done.done() + ")"
		}
	}
	if len(lost) > 0 {
		what += "; " + strings.Join(lost, ", ")
	}
	return paint(ansiBold+ansiRed, head) + " " + what + "."
}

// lineBreaks turns every line break into "; " (see errLine).
var lineBreaks = strings.NewReplacer("\r\n", "; ", "\n", "; ", "\r", "; ")

// errLine is err's text on one line, so that a report or progress line
// stays one line whatever the error wraps.
func errLine(err error) string {
	if err == nil {
		return ""
	}
	return lineBreaks.Replace(err.Error())
}
