package api

import (
	"strings"
	"testing"
)

// TestEndpointErrorsHideCredentials: an endpoint with a user:password part
// is refused, and no error quotes the password, even when the URL does not
// parse.
func TestEndpointErrorsHideCredentials(t *testing.T) {
	for _, raw := range []string{
		"https://u:topsecret@x%zz/",
		"https://u:topsecret@example.com/",
		"http://u:topsecret@10.1.2.3/api",
		"https://u:top%zzsecret@example.com",
	} {
		_, err := parseEndpoint(raw, false)
		if err == nil {
			t.Errorf("%s: accepted", raw)
			continue
		}
		if strings.Contains(err.Error(), "topsecret") || strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: the error shows the password: %v", raw, err)
		}
	}
}

func TestWithoutUserinfo(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://u:p@h/x", "https://…@h/x"},
		{"https://h/x", "https://h/x"},
		{"https://u:p@h", "https://…@h"},
		{"no scheme", "no scheme"},
		{"https://h/a@b", "https://h/a@b"},
	}
	for _, tt := range tests {
		if got := withoutUserinfo(tt.in); got != tt.want {
			t.Errorf("withoutUserinfo(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
