package schema

import "github.com/hashicorp/hcl/v2"

// The limits that keep hostile or mistaken fleet files from crashing,
// hanging or exhausting the machine. Every one of them is far above what a
// real fleet needs; going over one is an error diagnostic with a source
// range, never a crash.
const (
	// maxFileSize is the largest fleet or variable file read, in bytes.
	// hcl's lexer keeps about 90 bytes per token and a hostile file can
	// hold a token per byte, so this bounds what reading one file can take
	// to about a gigabyte. A fleet of 100,000 explicit server blocks is
	// about 7 MiB.
	maxFileSize = 8 << 20

	// maxNesting bounds how deeply a file nests: blocks, brackets, braces,
	// parentheses, templates and template directives, chains of unary
	// operators and conditionals, and the depth of the syntax tree and of
	// values. The parser and the evaluator recurse once per level, so
	// without a bound 100,000 parentheses overflow the stack.
	maxNesting = 256

	// maxExprValues bounds what one evaluation of one expression may
	// produce: each for-expression (or splat) iteration, each element a
	// function builds, and each 16 bytes of a string a template builds
	// count as one value; each element a function, operator, conditional
	// or the result hands on (reading it) counts as an eighth. Nested for
	// expressions or setproduct over long lists would otherwise build
	// billions of values. A value costs about half a microsecond to build,
	// so an expression that runs out is refused within about a tenth of a
	// second.
	maxExprValues = 250_000

	// maxLoadValues bounds the values of all the evaluations of one Load
	// together (an expression of a block with count = 100000 is evaluated
	// 100,000 times, at a few values each).
	maxLoadValues = 10_000_000

	// maxNumberLen is the longest number literal, and the longest string
	// read as a number, in bytes: reading a number costs time quadratic in
	// its digits.
	maxNumberLen = 1000

	// maxNumberExp2 bounds the binary exponent of every number, so that
	// numbers lie within about 1e-1200 and 1e1200 (zero aside): writing
	// 1e100000000 out in decimal would take a hundred megabytes.
	maxNumberExp2 = 3986

	// stringUnit is how many bytes of a string count as one value.
	stringUnit = 16
)

// overLimit marks, as a diagnostic's Extra, a diagnostic that reports a
// limit exceeded (rather than a mistake in the value itself).
type overLimit struct{}

// limitDiag returns an error diagnostic marked as reporting a limit.
func limitDiag(summary, detail string, subject *hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: subject, Extra: overLimit{}}
}

// firstOverLimit returns the first diagnostic of diags that reports a
// limit exceeded, or nil.
func firstOverLimit(diags hcl.Diagnostics) *hcl.Diagnostic {
	for _, d := range diags {
		if _, ok := d.Extra.(overLimit); ok {
			return d
		}
	}
	return nil
}
