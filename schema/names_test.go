package schema

import (
	"strings"
	"testing"
)

func TestValidServerName(t *testing.T) {
	cases := []struct {
		name string
		want bool
	}{
		{"web-01", true},
		{"W", true},
		{"a" + strings.Repeat("b", 62), true},
		{"a" + strings.Repeat("b", 63), false},
		{"", false},
		{"1web", false},
		{"-web", false},
		{"web_01", false},
		{"web.01", false},
		{"web 01", false},
		{"wéb", false},
	}
	for _, c := range cases {
		if got := ValidServerName(c.name); got != c.want {
			t.Errorf("ValidServerName(%q) = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestValidHostname(t *testing.T) {
	long := strings.Repeat("a", 125) + "." + strings.Repeat("b", 127) // 253
	cases := []struct {
		host string
		want bool
	}{
		{"web-1.example.com", true},
		{"a.b", true},
		{long, true},
		{long + "c", false},
		{"localhost", false},
		{"", false},
		{".example.com", false},
		{"example.com.", false},
		{"web..example.com", false},
		{"web_1.example.com", false},
		{"web 1.example.com", false},
	}
	for _, c := range cases {
		if got := ValidHostname(c.host); got != c.want {
			t.Errorf("ValidHostname(%q) = %v, want %v", c.host, got, c.want)
		}
	}
}

func TestMatchGlob(t *testing.T) {
	cases := []struct {
		pattern, name string
		want          bool
	}{
		{"web-*", "web-01", true},
		{"web-*", "web-", true},
		{"web-*", "db-01", false},
		{"*", "anything", true},
		{"*-01", "web-01", true},
		{"*-01", "web-02", false},
		{"web-??", "web-01", true},
		{"web-??", "web-1", false},
		{"web-[0-9][0-9]", "web-42", true},
		{"web-[0-9][0-9]", "web-4a", false},
		{"web-[!0-9]", "web-a", true},
		{"web-[^0-9]", "web-1", false},
		{"web-[ab]", "web-b", true},
		{"*a*b*c", "xxaxxbxxc", true},
		{"*a*b*c", "xxaxxcxxb", false},
		{"web-01", "web-01", true},
		{"web-01", "Web-01", false},
		{"web-[0-9", "web-[0-9", false}, // malformed: matches nothing
		{"", "", false},
	}
	for _, c := range cases {
		if got := MatchGlob(c.pattern, c.name); got != c.want {
			t.Errorf("MatchGlob(%q, %q) = %v, want %v", c.pattern, c.name, got, c.want)
		}
	}
}

func TestCheckGlob(t *testing.T) {
	cases := []struct {
		pattern string
		wantErr string
	}{
		{"web-*", ""},
		{"[a-z]*-[0-9]?", ""},
		{"", "empty"},
		{"web-[0-9", "no closing ]"},
		{"web-]", "closes no character class"},
		{"web-[]", "no closing ]"},
		{"web-[!]", "no closing ]"},
		{"web-[9-0]", "reversed"},
		{"web.*", "can never appear"},
	}
	for _, c := range cases {
		err := CheckGlob(c.pattern)
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("CheckGlob(%q) = %v, want nil", c.pattern, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("CheckGlob(%q) = %v, want an error containing %q", c.pattern, err, c.wantErr)
		}
	}
}
