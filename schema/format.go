package schema

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/sergi/go-diff/diffmatchpatch"
)

// maxFormatPasses bounds the passes Format makes to reach a fixed point.
const maxFormatPasses = 4

// Format returns src in canonical layout: indentation, alignment of `=` in
// runs of attributes, spacing inside expressions. It refuses, returning nil
// and the diagnostics, source that does not parse (filename names it in
// them), and source nested more than 256 levels deep or holding numbers
// out of range, which the fleet language refuses too (before the parser
// could overflow the stack). Comments and the order of everything are
// kept. Format is idempotent: Format(Format(x)) == Format(x).
func Format(src []byte, filename string) ([]byte, hcl.Diagnostics) {
	f, diags := parseChecked(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	if d := checkTree(f.Body); d != nil {
		return nil, hcl.Diagnostics{d}
	}
	out := src
	for range maxFormatPasses {
		next := hclwrite.Format(out)
		if bytes.Equal(next, out) {
			break
		}
		out = next
	}
	return out, nil
}

// UnifiedDiff returns a unified diff of before and after, both labelled with
// filename ("--- a/NAME", "+++ b/NAME"), with three lines of context; it
// returns "" when they are equal.
func UnifiedDiff(filename string, before, after []byte) string {
	if bytes.Equal(before, after) {
		return ""
	}
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(string(before), string(after))
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)
	return renderUnified(filename, diffs)
}
