package api

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReadLimited(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		size      int64 // the announced Content-Length; -1 unknown
		limit     int64
		want      string
		wantError error // nil: no error; otherwise errors.Is
	}{
		{"announced", "hello", 5, 10, "hello", nil},
		{"announced empty", "", 0, 10, "", nil},
		{"unknown length", "hello", -1, 10, "hello", nil},
		{"unknown length at the limit", "hello", -1, 5, "hello", nil},
		{"unknown length past the limit", "hello!", -1, 5, "", errTooLarge},
		{"announced past the limit", "hello!", 6, 5, "", errTooLarge},
		{"longer than announced", "hello!", 5, 10, "", errLongerThanAnnounced},
		{"shorter than announced", "hell", 5, 10, "", io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readLimited(strings.NewReader(tt.body), tt.size, tt.limit)
			if tt.wantError != nil {
				if !errors.Is(err, tt.wantError) {
					t.Fatalf("err = %v, want %v", err, tt.wantError)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Errorf("readLimited = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
