package schema

import (
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// diffContext is the number of unchanged lines shown around a change.
const diffContext = 3

// diffLine is one line of a line-level diff: op is ' ', '-' or '+'.
type diffLine struct {
	op   byte
	text string // without its newline
	eol  bool   // whether the line ended in a newline
}

// renderUnified turns line-level diffs into unified diff text.
func renderUnified(filename string, diffs []diffmatchpatch.Diff) string {
	var lines []diffLine
	for _, d := range diffs {
		op := byte(' ')
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = '-'
		case diffmatchpatch.DiffInsert:
			op = '+'
		}
		text := d.Text
		for text != "" {
			line, rest, found := strings.Cut(text, "\n")
			lines = append(lines, diffLine{op: op, text: line, eol: found})
			text = rest
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "--- a/%s\n+++ b/%s\n", filename, filename)
	for start := 0; start < len(lines); {
		first := nextChange(lines, start)
		if first < 0 {
			break
		}
		lo := max(first-diffContext, start)
		hi := hunkEnd(lines, first)
		writeHunk(&b, lines, lo, hi)
		start = hi
	}
	return b.String()
}

// nextChange returns the index of the first changed line at or after i, or -1.
func nextChange(lines []diffLine, i int) int {
	for ; i < len(lines); i++ {
		if lines[i].op != ' ' {
			return i
		}
	}
	return -1
}

// hunkEnd returns the end (exclusive) of the hunk holding the change at
// first: changes closer than twice the context join one hunk.
func hunkEnd(lines []diffLine, first int) int {
	last := first
	for i := first; i < len(lines); i++ {
		if lines[i].op != ' ' {
			last = i
			continue
		}
		if i-last > 2*diffContext {
			break
		}
	}
	return min(last+1+diffContext, len(lines))
}

// writeHunk writes lines[lo:hi] as one hunk with its @@ header.
func writeHunk(b *strings.Builder, lines []diffLine, lo, hi int) {
	oldStart, newStart := 1, 1
	for _, l := range lines[:lo] {
		if l.op != '+' {
			oldStart++
		}
		if l.op != '-' {
			newStart++
		}
	}
	oldLen, newLen := 0, 0
	for _, l := range lines[lo:hi] {
		if l.op != '+' {
			oldLen++
		}
		if l.op != '-' {
			newLen++
		}
	}
	fmt.Fprintf(b, "@@ -%s +%s @@\n", hunkRange(oldStart, oldLen), hunkRange(newStart, newLen))
	for _, l := range lines[lo:hi] {
		b.WriteByte(l.op)
		b.WriteString(l.text)
		b.WriteByte('\n')
		if !l.eol {
			b.WriteString("\\ No newline at end of file\n")
		}
	}
}

// hunkRange formats a hunk's "start,len"; an empty side starts one line
// earlier, as diff(1) writes it.
func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start-1)
	}
	if n == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}
