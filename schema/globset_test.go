package schema

import "testing"

func TestGlobSet(t *testing.T) {
	set := GlobSet{"web-*", "db-0[1-3]"}
	for _, tt := range []struct {
		name    string
		pattern string
		ok      bool
	}{{"web-01", "web-*", true}, {"db-02", "db-0[1-3]", true}, {"db-04", "", false}, {"", "", false}} {
		if p, ok := set.Match(tt.name); p != tt.pattern || ok != tt.ok {
			t.Errorf("Match(%q) = %q, %v; want %q, %v", tt.name, p, ok, tt.pattern, tt.ok)
		}
	}
	if !set.MatchesAny("x", "web-9") || set.MatchesAny("x", "") || (GlobSet{}).MatchesAny("web-1") {
		t.Error("MatchesAny is wrong")
	}
}
