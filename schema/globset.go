package schema

// GlobSet is a list of globs (see MatchGlob), as fleet.owns, fleet.protect,
// -target and -match give them. The empty set matches nothing.
type GlobSet []string

// Match returns the first glob of the set that matches name, and whether
// there is one.
func (g GlobSet) Match(name string) (pattern string, ok bool) {
	for _, p := range g {
		if MatchGlob(p, name) {
			return p, true
		}
	}
	return "", false
}

// MatchesAny reports whether any glob of the set matches any of names
// ("" never matches).
func (g GlobSet) MatchesAny(names ...string) bool {
	for _, n := range names {
		if n == "" {
			continue
		}
		if _, ok := g.Match(n); ok {
			return true
		}
	}
	return false
}
