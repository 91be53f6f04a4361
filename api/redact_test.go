package api

import (
	"strings"
	"testing"
)

func TestRedactor(t *testing.T) {
	const long = "tok-SECRET-7f3a9c+/=" // 20 bytes: found in pieces
	tests := []struct {
		name, token, text, want string
	}{
		{"whole", long, "a tok-SECRET-7f3a9c+/= b", "a [redacted] b"},
		{"twice", long, long + " and " + long, "[redacted] and [redacted]"},
		{"back to back", long, long + long, "[redacted]"},
		{"a piece of 8", long, "cut: tok-SECR…", "cut: [redacted]…"},
		{"a piece of 7 is left", long, "cut: tok-SEC…", "cut: tok-SEC…"},
		{"the end of it", long, "…7f3a9c+/= was sent", "…[redacted] was sent"},
		{"another case", long, "TOK-secret-7F3A9C+/=", "[redacted]"},
		{"query-escaped", long, "?t=tok-SECRET-7f3a9c%2B%2F%3D", "?t=[redacted]"},
		{"query-escaped, lower-case hex", long, "?t=tok-SECRET-7f3a9c%2b%2f%3d", "?t=[redacted]"},
		{"path-escaped", long, "/tok-SECRET-7f3a9c+%2F=/", "/[redacted]/"},
		{"clean text unchanged", long, "GET /api/v1/servers/: 404 Not Found", "GET /api/v1/servers/: 404 Not Found"},
		{"short token whole", "abcd12", "x abcd12 y abcd1", "x [redacted] y abcd1"},
		{"token too short to look for", "abc", "abc abc", "abc abc"},
		{"no token", "", "anything", "anything"},
		{"multi-byte token, cut in a character", "ключ-секрет-42", "x ч-секрет-42 y", "x [redacted] y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := newRedactor(tt.token).redact(tt.text); got != tt.want {
				t.Errorf("redact(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
	var none *redactor
	if got := none.redact("x"); got != "x" {
		t.Errorf("a nil redactor changed the text: %q", got)
	}
}

// TestShortenRedactsBeforeCutting: wherever the token stands around the
// cut, no part of it of minSecretPiece bytes survives.
func TestShortenRedactsBeforeCutting(t *testing.T) {
	token := strings.Repeat("Zx9-", 12)[:47]
	r := newRedactor(token)
	for k := 0; k <= maxDetailLen+1; k++ {
		got := r.shorten(strings.Repeat("a", k) + token + " tail")
		for i := 0; i+minSecretPiece <= len(token); i++ {
			if strings.Contains(got, token[i:i+minSecretPiece]) {
				t.Fatalf("token at %d: %q shows %q", k, got, token[i:i+minSecretPiece])
			}
		}
		if n := len([]rune(got)); n > maxDetailLen+1 {
			t.Fatalf("token at %d: %d runes", k, n)
		}
	}
}

func TestQuoteURL(t *testing.T) {
	r := newRedactor("tok-SECRET-7f3a9c")
	tests := []struct{ in, want string }{
		{"https://elsewhere.example/", "https://elsewhere.example/"},
		{"https://u:p@elsewhere.example/x?t=1#f", "https://…@elsewhere.example/x?…#…"},
		{"/tok-SECRET-7f3a9c/", "/[redacted]/"},
		{"http://[::1", "an unparsable URL"},
	}
	for _, tt := range tests {
		if got := r.quoteURL(tt.in); got != tt.want {
			t.Errorf("quoteURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkRedact10MB(b *testing.B) {
	r := newRedactor("tok-SECRET-7f3a9c2b8e1d4f6a0c5b9e3d7a1f4c8b2e6")
	text := strings.Repeat("<p>an error page of ten megabytes</p>\n", 10<<20/40)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		r.redact(text)
	}
}

// FuzzRedact checks that no piece of minSecretPiece bytes of a long token
// survives redaction, in any ASCII case, wherever it stands in the text.
func FuzzRedact(f *testing.F) {
	f.Add("tok-SECRET-7f3a9c", "x tok-SECRET-7f3a9c y")
	f.Add("tok-SECRET-7f3a9c", "tok-SECRtok-SECRET-7F3A9Cxx-7f3a9c")
	f.Add("ключ-секрет-42", "ч-секрет-42ключ-се")
	f.Fuzz(func(t *testing.T, token, text string) {
		// A token made of the replacement's own letters could be rebuilt
		// from it; no real token is.
		if len(token) < minSecretPiece || strings.ContainsAny(token, "[]") {
			return
		}
		got := asciiLower(newRedactor(token).redact(text))
		lower := asciiLower(token)
		for i := 0; i+minSecretPiece <= len(lower); i++ {
			if piece := lower[i : i+minSecretPiece]; strings.Contains(got, piece) {
				t.Fatalf("redact(%q) with token %q = %q, still holding %q", text, token, got, piece)
			}
		}
	})
}

// asciiLower lower-cases the ASCII letters of s, leaving every other byte
// as it is (strings.ToLower would rewrite invalid UTF-8).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = lowerASCII(c)
	}
	return string(b)
}
