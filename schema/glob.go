package schema

import (
	"errors"
	"fmt"
)

// MatchGlob reports whether name matches pattern, the glob used by
// fleet.owns, fleet.protect and -target: `*` matches any run of characters
// (including none), `?` exactly one, and `[...]` one character of a class
// such as `[abc]`, `[0-9]` or, negated, `[!0-9]` / `[^0-9]`. Every other
// character matches itself, case-sensitively. A malformed pattern (an
// unterminated class, say) matches nothing.
func MatchGlob(pattern, name string) bool {
	if CheckGlob(pattern) != nil {
		return false
	}
	return matchGlob(pattern, name)
}

// matchGlob matches a well-formed pattern, backtracking only to the last
// star, so it runs in O(len(pattern)·len(name)).
func matchGlob(p, s string) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			switch p[pi] {
			case '*':
				starP, starS = pi, si
				pi++
				continue
			case '?':
				pi++
				si++
				continue
			case '[':
				end := classEnd(p, pi)
				if classMatches(p[pi+1:end], s[si]) {
					pi = end + 1
					si++
					continue
				}
			default:
				if p[pi] == s[si] {
					pi++
					si++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		starS++
		pi, si = starP+1, starS
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// classEnd returns the index of the `]` closing the class that opens at
// p[open], or -1. A `]` right after `[`, `[!` or `[^` is a member.
func classEnd(p string, open int) int {
	i := open + 1
	if i < len(p) && (p[i] == '!' || p[i] == '^') {
		i++
	}
	if i < len(p) && p[i] == ']' {
		i++
	}
	for ; i < len(p); i++ {
		if p[i] == ']' {
			return i
		}
	}
	return -1
}

// classMatches reports whether c belongs to the class body (between the
// brackets).
func classMatches(body string, c byte) bool {
	negate := false
	if body != "" && (body[0] == '!' || body[0] == '^') {
		negate, body = true, body[1:]
	}
	in := false
	for i := 0; i < len(body); i++ {
		lo, hi := body[i], body[i]
		if i+2 < len(body) && body[i+1] == '-' {
			hi = body[i+2]
			i += 2
		}
		if lo <= c && c <= hi {
			in = true
		}
	}
	return in != negate
}

// CheckGlob returns why pattern is not a well-formed glob (as owns,
// protect, -target and -match take them), or nil.
func CheckGlob(pattern string) error {
	if pattern == "" {
		return errors.New("the pattern is empty, so it matches nothing")
	}
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '[':
			end := classEnd(pattern, i)
			if end < 0 {
				return fmt.Errorf("the character class opened at offset %d has no closing ]", i)
			}
			body := pattern[i+1 : end]
			if body == "" || body == "!" || body == "^" {
				return fmt.Errorf("the character class at offset %d is empty", i)
			}
			if b := body; b[0] == '!' || b[0] == '^' {
				body = b[1:]
			}
			for j := 0; j < len(body); j++ {
				if j+2 < len(body) && body[j+1] == '-' {
					if body[j] > body[j+2] {
						return fmt.Errorf("the range %q is reversed; write it low to high", body[j:j+3])
					}
					j += 2
				}
			}
			i = end
		case c == ']':
			return fmt.Errorf("the ] at offset %d closes no character class", i)
		case c == '*' || c == '?' || isNameChar(c):
		default:
			return fmt.Errorf("the character %q can never appear in a server name", c)
		}
	}
	return nil
}
