package schema

import (
	"bytes"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// hcl's lexer keeps every token of a file in one growing slice, which for
// a large file costs several times the tokens' size in reallocations.
// A file of chunkFrom bytes or more is therefore parsed in pieces of about
// chunkSize bytes.
const (
	chunkFrom = 256 << 10
	chunkSize = 4 << 10
)

// parseConfig parses one fleet or variable file, refusing (with one error
// diagnostic) source that nests deeper than maxNesting or holds numbers
// out of range, before anything recurses over it. A large file is split
// between top-level blocks and each piece is parsed from its own start
// position, so ranges are those of the whole file; when any piece fails
// (the split fell inside a heredoc, say) or holds top-level attributes,
// the file is parsed whole instead, so diagnostics are always those of a
// plain parse. The file is always returned, for rendering snippets.
func parseConfig(src []byte, filename string) (*hcl.File, hcl.Diagnostics) {
	var f *hcl.File
	var diags hcl.Diagnostics
	if len(src) >= chunkFrom && chunkEnd(src, chunkSize) < len(src) {
		f = parseChunks(src, filename)
	}
	if f == nil {
		if f, diags = parseChecked(src, filename, hcl.InitialPos); diags.HasErrors() {
			return f, diags
		}
	}
	if d := checkTree(f.Body); d != nil {
		diags = append(diags, d)
	}
	return f, diags
}

// parseChecked is hclsyntax.ParseConfig for source that checkTokens
// accepts; for other source it returns the check's diagnostic and a file
// with an empty body.
func parseChecked(src []byte, filename string, start hcl.Pos) (*hcl.File, hcl.Diagnostics) {
	tokens, _ := hclsyntax.LexConfig(src, filename, start)
	if d := checkTokens(tokens); d != nil {
		return &hcl.File{Body: hcl.EmptyBody(), Bytes: src}, hcl.Diagnostics{d}
	}
	return hclsyntax.ParseConfig(src, filename, start)
}

// parseExpression parses one expression (a -var value), with the checks
// of parseConfig.
func parseExpression(src []byte, filename string) (hclsyntax.Expression, hcl.Diagnostics) {
	tokens, _ := hclsyntax.LexExpression(src, filename, hcl.InitialPos)
	if d := checkTokens(tokens); d != nil {
		return nil, hcl.Diagnostics{d}
	}
	expr, diags := hclsyntax.ParseExpression(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	if d := checkExpr(expr, 1); d != nil {
		return nil, append(diags, d)
	}
	return expr, diags
}

// parseChunks parses src in pieces, or returns nil if that is not clean.
func parseChunks(src []byte, filename string) *hcl.File {
	body := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}}
	nav := &chunkNav{}
	start := hcl.InitialPos
	for start.Byte < len(src) {
		end := chunkEnd(src, start.Byte+chunkSize)
		f, diags := parseChecked(src[start.Byte:end], filename, start)
		if diags.HasErrors() || f == nil {
			return nil
		}
		part := f.Body.(*hclsyntax.Body)
		if len(part.Attributes) > 0 {
			return nil
		}
		body.Blocks = append(body.Blocks, part.Blocks...)
		body.EndRange = part.EndRange
		nav.starts = append(nav.starts, start.Byte)
		nav.files = append(nav.files, f)
		start = hcl.Pos{Line: start.Line + bytes.Count(src[start.Byte:end], []byte("\n")), Column: 1, Byte: end}
	}
	body.SrcRange = hcl.Range{Filename: filename, Start: hcl.InitialPos, End: body.EndRange.End}
	return &hcl.File{Body: body, Bytes: src, Nav: nav}
}

// chunkEnd returns the first offset at or after from that starts a line
// likely to open a top-level block (a letter or comment at column 1 after a
// line that is just "}"), or len(src).
func chunkEnd(src []byte, from int) int {
	for i := from; i < len(src); i++ {
		if src[i-1] != '\n' {
			continue
		}
		c := src[i]
		if !isLetter(c) && c != '#' && c != '/' {
			continue
		}
		if bytes.Equal(bytes.TrimRight(lastLine(src[:i]), " \t\r"), []byte("}")) {
			return i
		}
	}
	return len(src)
}

// lastLine returns the last non-blank line of b.
func lastLine(b []byte) []byte {
	b = bytes.TrimRight(b, " \t\r\n")
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		return b[i+1:]
	}
	return b
}

// chunkNav answers hcl's source navigation for a file parsed in pieces by
// asking the piece holding the offset.
type chunkNav struct {
	starts []int
	files  []*hcl.File
}

// ContextString names the block around offset, e.g. `server "web-01"`.
func (n *chunkNav) ContextString(offset int) string {
	if nav, ok := n.at(offset).(interface{ ContextString(int) string }); ok {
		return nav.ContextString(offset)
	}
	return ""
}

// ContextDefRange returns the definition range of the block around offset.
func (n *chunkNav) ContextDefRange(offset int) hcl.Range {
	if nav, ok := n.at(offset).(interface{ ContextDefRange(int) hcl.Range }); ok {
		return nav.ContextDefRange(offset)
	}
	return hcl.Range{}
}

func (n *chunkNav) at(offset int) any {
	i := sort.SearchInts(n.starts, offset+1) - 1
	if i < 0 {
		return nil
	}
	return n.files[i].Nav
}
