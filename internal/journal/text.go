package journal

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// maxServerLines is how many server lines WriteText shows for one run;
// the rest are counted.
const maxServerLines = 10

// planOrder is the order of action words in a plan summary; other words
// follow, sorted.
var planOrder = []string{"create", "update", "replace", "delete", "start", "stop", "rename"}

// WriteText writes runs for people, newest first as given: a block per
// run with its id, operation, state and exit status, times, who ran it
// and how, scope, fleet hash and plan counts, then its servers. Runs of
// more than maxServerLines servers show the outcome counts and the
// servers whose outcome is not "done", up to that many. It returns the
// first write error.
func WriteText(w io.Writer, runs []Run) error {
	var b strings.Builder
	if len(runs) == 0 {
		b.WriteString("No runs recorded.\n")
	}
	for i, r := range runs {
		if i > 0 {
			b.WriteString("\n")
		}
		writeRun(&b, r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeRun(b *strings.Builder, r Run) {
	fmt.Fprintf(b, "run %d: %s, %s", r.ID, r.Operation, stateText(r))
	fmt.Fprintf(b, ", started %s", r.StartedAt.UTC().Format("2006-01-02 15:04:05 MST"))
	if r.FinishedAt != nil {
		fmt.Fprintf(b, ", took %s", r.FinishedAt.Sub(r.StartedAt).Round(time.Second))
	}
	b.WriteString("\n")
	fmt.Fprintf(b, "  by %s", r.Process.String())
	if r.CIRunID != "" {
		fmt.Fprintf(b, ", CI run %s", r.CIRunID)
		if r.CIRunURL != "" {
			b.WriteString(" " + r.CIRunURL)
		}
	}
	b.WriteString(": " + r.Command + "\n")
	fmt.Fprintf(b, "  scope %s, fleet %s, plan: %s\n", r.Scope, orNone(r.FleetHash), planText(r.Plan))
	if r.Error != "" {
		fmt.Fprintf(b, "  error: %s\n", oneLine(r.Error))
	}
	writeServers(b, r.Servers)
}

func stateText(r Run) string {
	switch {
	case r.State == StateFinished && r.ExitStatus != nil:
		return fmt.Sprintf("finished, exit %d", *r.ExitStatus)
	case r.State == StateRunning:
		return "running"
	case r.State == StateUnfinished:
		return "unfinished (its session ended before it recorded an end: killed, crashed or cut off)"
	default:
		return r.State
	}
}

func planText(plan map[string]int) string {
	var parts []string
	for _, word := range planOrder {
		if n := plan[word]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, word))
		}
	}
	var others []string
	for word, n := range plan {
		if n > 0 && !slices.Contains(planOrder, word) {
			others = append(others, fmt.Sprintf("%d %s", n, word))
		}
	}
	slices.Sort(others)
	parts = append(parts, others...)
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, ", ")
}

func writeServers(b *strings.Builder, servers []Server) {
	shown := servers
	if len(servers) > maxServerLines {
		counts := map[string]int{}
		var order []string
		shown = nil
		for _, s := range servers {
			if counts[s.Outcome] == 0 {
				order = append(order, s.Outcome)
			}
			counts[s.Outcome]++
			if s.Outcome != "done" && len(shown) < maxServerLines {
				shown = append(shown, s)
			}
		}
		parts := make([]string, len(order))
		for i, o := range order {
			parts[i] = fmt.Sprintf("%d %s", counts[o], o)
		}
		fmt.Fprintf(b, "  %d servers: %s\n", len(servers), strings.Join(parts, ", "))
	}
	for _, s := range shown {
		fmt.Fprintf(b, "  %s: %s, %s", s.Name, orNone(strings.Join(s.Actions, ", ")), s.Outcome)
		if s.ID != 0 {
			fmt.Fprintf(b, " [id=%d]", s.ID)
		}
		if s.Error != "" {
			b.WriteString(": " + oneLine(s.Error))
		}
		b.WriteString("\n")
	}
	if hidden := countNotDone(servers) - countNotDone(shown); len(servers) > maxServerLines && hidden > 0 {
		fmt.Fprintf(b, "  ... and %d more not done (-json lists them all)\n", hidden)
	}
}

func countNotDone(servers []Server) int {
	n := 0
	for _, s := range servers {
		if s.Outcome != "done" {
			n++
		}
	}
	return n
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

var lineBreaks = strings.NewReplacer("\r\n", "; ", "\n", "; ", "\r", "; ")

func oneLine(s string) string { return lineBreaks.Replace(s) }
