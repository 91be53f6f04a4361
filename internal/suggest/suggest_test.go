package suggest

import "testing"

func TestClosest(t *testing.T) {
	cands := []string{"plan", "apply", "destroy", "plan_id", "validate"}
	for _, tt := range []struct{ given, want string }{
		{"pln", "plan"},
		{"aply", "apply"},
		{"destory", "destroy"},
		{"vali", "validate"},
		{"xyzzy", ""},
		{"pl", "plan"},
		{"", ""},
	} {
		if got := Closest(tt.given, cands); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.given, got, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"plan", "pln", 1}} {
		if got := EditDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
