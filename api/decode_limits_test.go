package api

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestErrorBodyLimits: a hostile error body cannot make an error the size
// of the body.
func TestErrorBodyLimits(t *testing.T) {
	var fields []string
	for i := range 60 {
		fields = append(fields, fmt.Sprintf(`"f%02d": ["bad"]`, i))
	}
	got := decodeErrorBody(nil, "application/json", []byte("{"+strings.Join(fields, ", ")+"}"))
	if len(got.Fields) != maxFields+1 || got.Fields["…"][0] != "10 more fields not shown" || got.Fields["f00"] == nil {
		t.Errorf("60 fields kept as %d: %v", len(got.Fields), got.Fields["…"])
	}

	long := strings.Repeat("ü", 3*maxMessageLen)
	got = decodeErrorBody(nil, "application/json", []byte(`{"detail": "`+long+`", "name": ["`+long+`"]}`))
	for _, msg := range []string{got.Detail, got.Fields["name"][0]} {
		if n := utf8.RuneCountInString(msg); n != maxMessageLen+1 || !strings.HasSuffix(msg, "…") {
			t.Errorf("a message of %d runes kept as %d", 3*maxMessageLen, n)
		}
	}
}
