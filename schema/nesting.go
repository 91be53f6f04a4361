package schema

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// hcl's parser recurses once per level of nesting, and a Go stack overflow
// cannot be recovered from, so source is checked before it is parsed. The
// check reads the token stream of hcl's own lexer, which is iterative:
// strings, heredocs, comments, template escapes ($${) and nested templates
// are then seen exactly as the parser will see them, which a scanner of our
// own could only approximate (and an input it misread would slip past).
// The price is lexing each file twice; see BenchmarkLoad10000Blocks.

// nestKind is what opened a level of nesting.
type nestKind uint8

const (
	nestBody      nestKind = iota // the file itself
	nestParen                     // ( ... )
	nestBrack                     // [ ... ]
	nestBrace                     // { ... }: a block body or an object
	nestQuote                     // " ... "
	nestHeredoc                   // <<EOT ... EOT
	nestSequence                  // ${ ... } or %{ ... }
	nestDirective                 // %{ if } ... %{ endif }, %{ for } ... %{ endfor }
)

// nestFrame is one open level. chain counts the unary operators and
// conditionals seen in the frame's current item: the parser recurses for
// each of them too, until a comma (or, in a body or object, a newline)
// ends the item.
type nestFrame struct {
	kind  nestKind
	chain int
	// directive is what the keyword of a %{ sequence does to directive
	// nesting once the sequence closes: +1 for if/for, -1 for endif/endfor.
	directive int
}

// nestScan follows the nesting of a token stream.
type nestScan struct {
	frames []nestFrame
	chains int // the sum of the frames' chain counts
}

// checkTokens returns an error diagnostic at the first token that nests
// deeper than maxNesting, or that is a number literal longer than
// maxNumberLen, or nil.
func checkTokens(tokens hclsyntax.Tokens) *hcl.Diagnostic {
	s := nestScan{frames: make([]nestFrame, 1, 16)}
	for i, tok := range tokens {
		switch tok.Type {
		case hclsyntax.TokenOParen:
			s.open(nestParen)
		case hclsyntax.TokenOBrack:
			s.open(nestBrack)
		case hclsyntax.TokenOBrace:
			s.open(nestBrace)
		case hclsyntax.TokenOQuote:
			s.open(nestQuote)
		case hclsyntax.TokenOHeredoc:
			s.open(nestHeredoc)
		case hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			s.open(nestSequence)
			if tok.Type == hclsyntax.TokenTemplateControl && i+1 < len(tokens) && tokens[i+1].Type == hclsyntax.TokenIdent {
				switch string(tokens[i+1].Bytes) {
				case "if", "for":
					s.top().directive = 1
				case "endif", "endfor":
					s.top().directive = -1
				}
			}
		case hclsyntax.TokenCParen:
			s.closeIf(nestParen)
		case hclsyntax.TokenCBrack:
			s.closeIf(nestBrack)
		case hclsyntax.TokenCBrace:
			s.closeIf(nestBrace)
		case hclsyntax.TokenCQuote:
			s.closeTemplate(nestQuote)
		case hclsyntax.TokenCHeredoc:
			s.closeTemplate(nestHeredoc)
		case hclsyntax.TokenTemplateSeqEnd:
			if s.top().kind == nestSequence {
				directive := s.top().directive
				s.pop()
				switch {
				case directive > 0:
					s.open(nestDirective)
				case directive < 0 && s.top().kind == nestDirective:
					s.pop()
				}
			}
		case hclsyntax.TokenMinus, hclsyntax.TokenBang, hclsyntax.TokenQuestion:
			s.top().chain++
			s.chains++
		case hclsyntax.TokenComma:
			s.endItem()
		case hclsyntax.TokenNewline:
			if k := s.top().kind; k == nestBody || k == nestBrace {
				s.endItem()
			}
		case hclsyntax.TokenNumberLit:
			if len(tok.Bytes) > maxNumberLen {
				return limitDiag("Number literal too long", fmt.Sprintf("This number is written with %d characters; at most %d are allowed. No server attribute needs such a number: shorten it.",
					len(tok.Bytes), maxNumberLen), tok.Range.Ptr())
			}
		}
		if s.depth() > maxNesting {
			return tooDeep(tok.Range)
		}
	}
	return nil
}

func (s *nestScan) top() *nestFrame { return &s.frames[len(s.frames)-1] }

func (s *nestScan) depth() int { return len(s.frames) - 1 + s.chains }

func (s *nestScan) open(k nestKind) { s.frames = append(s.frames, nestFrame{kind: k}) }

// pop closes the innermost frame; the file's own frame is never closed.
func (s *nestScan) pop() {
	if len(s.frames) > 1 {
		s.chains -= s.top().chain
		s.frames = s.frames[:len(s.frames)-1]
	}
}

// closeIf closes the innermost frame if k opened it. A closing bracket
// that matches nothing is a syntax error the parser reports; ignoring it
// here can only overstate the depth, never understate it.
func (s *nestScan) closeIf(k nestKind) {
	if s.top().kind == k {
		s.pop()
	}
}

// closeTemplate closes the template that k opened, with any directives
// left open inside it (the lexer only ends a template where it began).
func (s *nestScan) closeTemplate(k nestKind) {
	for i := len(s.frames) - 1; i > 0; i-- {
		if s.frames[i].kind == k {
			for len(s.frames) > i {
				s.pop()
			}
			return
		}
	}
}

func (s *nestScan) endItem() {
	s.chains -= s.top().chain
	s.top().chain = 0
}

// tooDeep is the diagnostic for source nested deeper than maxNesting at rng.
func tooDeep(rng hcl.Range) *hcl.Diagnostic {
	return limitDiag("Nested too deeply", fmt.Sprintf("The source nests more than %d levels deep here (blocks, brackets, braces, parentheses, templates, chained operators and conditionals all count). No fleet needs this much nesting: simplify the expression, or move parts of it into local values.",
		maxNesting), rng.Ptr())
}
