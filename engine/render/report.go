package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/vpsfleet/vpsfleet/engine/apply"
)

// ANSI colours of the report.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
)

// Report writes the end of an apply to w: one line per server
// (done, failed, not started or interrupted, with the reason), then a
// summary line, and lines saying when a 402 or a 401 stopped the run.
// Colour uses ANSI escapes only when color is true. It returns the first
// write error.
func Report(w io.Writer, r *apply.Result, color bool) error {
	if r == nil {
		return fmt.Errorf("apply report: no result to report")
	}
	paint := func(code, s string) string {
		if !color {
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
		if s.Err != nil {
			fmt.Fprintf(&b, ": %s", errLine(s.Err))
		} else if s.Note != "" {
			fmt.Fprintf(&b, ": %s", s.Note)
		}
		b.WriteString("\n")
	}

	done, failed := r.Count(apply.OutcomeDone), r.Count(apply.OutcomeFailed)
	notStarted, interrupted := r.Count(apply.OutcomeNotStarted), r.Count(apply.OutcomeInterrupted)
	counts := fmt.Sprintf("%d done, %d failed, %d not started, %d interrupted, of %d; %d %s created.",
		done, failed, notStarted, interrupted, len(r.Results), r.Created, plural(r.Created, "server", "servers"))
	if r.OK() {
		b.WriteString(paint(ansiBold+ansiGreen, "Apply complete!") + " " + counts + "\n")
	} else {
		b.WriteString(paint(ansiBold+ansiRed, "Apply failed.") + " " + counts + "\n")
	}
	if r.CreditsExhausted {
		fmt.Fprintf(&b, "Credits ran out (402): %d %s created before the API refused more; add credits and run apply again.\n",
			r.Created, plural(r.Created, "server was", "servers were"))
	}
	if r.Unauthorized {
		b.WriteString("The API refused the token (401): everything stopped; check VPSORG_TOKEN and run apply again.\n")
	}
	if r.Interrupted {
		b.WriteString("Interrupted: nothing new was started; run apply again to continue.\n")
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

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
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
