package api

import (
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The API token must never be shown, and the server controls much of what
// an error says: bodies, headers, next links, field names. A hostile or
// broken server may echo the token it was sent, whole, cut, escaped, or in
// another case. Every text that came from the server therefore goes
// through the client's redactor before it is cut short or put in an error.

// minSecretPiece is the length of the shortest piece of a long token that
// is redacted on its own: a server that quotes part of the token (a proxy
// that cuts a header, a message cut at a length limit) must not show that
// part either.
const minSecretPiece = 8

// minSecretLen is the shortest token the redactor looks for: a shorter one
// ("t" in tests) would redact every letter it is made of.
const minSecretLen = 4

// redactor removes the API token from text.
//
// A token of minSecretPiece bytes or more is found in pieces: every run of
// text made of overlapping minSecretPiece-byte pieces of the token, or of
// its escaped forms (query-escaped, path-escaped, JSON- and Go-quoted),
// ignoring ASCII case, becomes "[redacted]". A shorter token is replaced
// where it stands whole, in any of those forms. The zero value and nil
// redact nothing.
type redactor struct {
	pieces map[uint64]struct{} // long token: every piece, ASCII lower-cased, as pieceKey
	whole  []string            // short token: its forms, longest first
}

// newRedactor returns the redactor of token.
func newRedactor(token string) *redactor {
	r := &redactor{}
	if len(token) < minSecretLen {
		return r
	}
	forms := tokenForms(token)
	if len(token) < minSecretPiece {
		r.whole = forms
		return r
	}
	r.pieces = make(map[uint64]struct{})
	for _, form := range forms {
		for i := 0; i+minSecretPiece <= len(form); i++ {
			r.pieces[pieceKey(form[i:i+minSecretPiece])] = struct{}{}
		}
	}
	return r
}

// tokenForms is the token as it may appear in text: as is, escaped in a
// URL's query or path, quoted in JSON or by Go's %q, longest first.
func tokenForms(token string) []string {
	forms := []string{token, url.QueryEscape(token), url.PathEscape(token), strings.Trim(strconv.Quote(token), `"`)}
	if j, err := json.Marshal(token); err == nil {
		forms = append(forms, strings.Trim(string(j), `"`))
	}
	var out []string
	for _, f := range forms {
		if !containsString(out, f) {
			out = append(out, f)
		}
	}
	// Longest first, so that a short token's longer escaped form is
	// replaced before its plain form could split it.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j]) > len(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// pieceKey packs minSecretPiece bytes, ASCII lower-cased, into a map key;
// redact computes the same key over a sliding window.
func pieceKey(s string) uint64 {
	var k uint64
	for i := 0; i < minSecretPiece; i++ {
		k = k<<8 | uint64(lowerASCII(s[i]))
	}
	return k
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// redact returns text with every trace of the token replaced by
// "[redacted]". It runs in time linear in len(text).
func (r *redactor) redact(text string) string {
	if r == nil {
		return text
	}
	if r.pieces == nil {
		for _, form := range r.whole {
			text = strings.ReplaceAll(text, form, redacted)
		}
		return text
	}
	var b strings.Builder
	written := 0         // text[:written] is in b, or redacted
	start, end := -1, -1 // the run of pieces being collected: text[start:end]
	flush := func() {
		if start < 0 {
			return
		}
		// A token with multi-byte characters may match from the middle of
		// one: widen the run to whole characters. (The previous run's
		// widening may have reached into this one: start after it.)
		start = max(start, written)
		for start > written && !utf8.RuneStart(text[start]) {
			start--
		}
		for end < len(text) && !utf8.RuneStart(text[end]) {
			end++
		}
		b.WriteString(text[written:start])
		b.WriteString(redacted)
		written = end
		start = -1
	}
	var k uint64
	for i := 0; i < len(text); i++ {
		k = k<<8 | uint64(lowerASCII(text[i]))
		if i+1 < minSecretPiece {
			continue
		}
		if _, ok := r.pieces[k]; !ok {
			continue
		}
		from := i + 1 - minSecretPiece
		if start >= 0 && from <= end {
			end = i + 1
			continue
		}
		flush()
		start, end = from, i+1
	}
	if written == 0 && start < 0 {
		return text
	}
	flush()
	b.WriteString(text[written:])
	return b.String()
}

// contains reports whether text holds a trace of the token.
func (r *redactor) contains(text string) bool { return r.redact(text) != text }

// shorten makes server text fit in a one-line message: it drops invalid
// UTF-8, collapses whitespace, redacts the token, and only then cuts the
// result to maxDetailLen runes. Redacting first means a cut never falls
// inside the token, so no part of it is left at the end of the message.
func (r *redactor) shorten(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Join(strings.Fields(s), " ")
	return cut(r.redact(s), maxDetailLen)
}

// message is a message the API sent (a detail or a field message) as
// shown: redacted, then cut to maxMessageLen runes. Line breaks are left
// to Error, which keeps the error on one line.
func (r *redactor) message(s string) string {
	return cut(r.redact(strings.ToValidUTF8(s, "")), maxMessageLen)
}

// cut returns s cut to n runes, with "…" when something was cut.
func cut(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	i, runes := 0, 0
	for i < len(s) && runes < n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		runes++
	}
	return s[:i] + "…"
}

// quoteURL shows a URL the server sent (a redirect's Location, a next
// link) without what may hold a credential: userinfo becomes "…@", a
// query "?…" and a fragment "#…"; what is left is redacted and cut. Text
// that is not a URL is not quoted at all.
func (r *redactor) quoteURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "an unparsable URL"
	}
	shown := *u
	shown.User, shown.RawQuery, shown.Fragment, shown.RawFragment, shown.ForceQuery = nil, "", "", "", false
	s := shown.String()
	if u.User != nil {
		s = strings.Replace(s, "//", "//…@", 1)
	}
	if u.RawQuery != "" || u.ForceQuery {
		s += "?…"
	}
	if u.Fragment != "" {
		s += "#…"
	}
	return r.shorten(s)
}

// scrub redacts every text of e that may have come from the server: its
// detail, path and field names and messages. An underlying cause whose
// text holds the token is replaced by one that shows it redacted (and
// still matches what the cause matched with errors.Is).
func (r *redactor) scrub(e *Error) *Error {
	if r == nil || e == nil {
		return e
	}
	e.Detail = r.redact(e.Detail)
	e.Path = r.redact(e.Path)
	e.Method = r.redact(e.Method)
	if e.Fields != nil {
		clean := make(map[string][]string, len(e.Fields))
		for name, msgs := range e.Fields {
			cm := make([]string, len(msgs))
			for i, m := range msgs {
				cm[i] = r.redact(m)
			}
			clean[r.redact(name)] = cm
		}
		e.Fields = clean
	}
	e.Err = r.cause(e.Err)
	return e
}

// cause returns err, or, if its text holds the token, an error showing
// that text redacted which errors.Is still matches against err's chain.
// It never exposes err itself (no Unwrap, no As), so the token cannot be
// printed from it.
func (r *redactor) cause(err error) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	clean := r.redact(text)
	if clean == text {
		return err
	}
	return &redactedError{text: clean, cause: err}
}

// redactedError is a cause whose text held the token: it shows the text
// redacted.
type redactedError struct {
	text  string
	cause error
}

// Error is the cause's text, redacted.
func (e *redactedError) Error() string { return e.text }

// Is reports whether the hidden cause matches target, so that
// errors.Is(err, context.DeadlineExceeded) and the like still work.
func (e *redactedError) Is(target error) bool { return errors.Is(e.cause, target) }
