// Package suggest finds the name a person most likely meant, for "Did you
// mean ...?" hints in the CLI and in fleet-file diagnostics.
package suggest

import "strings"

// Closest returns the candidate closest to given: the one within an edit
// distance of 2 with the smallest distance (the first of equals), else the
// first candidate that begins with given when given has at least three
// characters (plan → plan_id); "" when none is close.
func Closest(given string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := EditDistance(given, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best != "" {
		return best
	}
	for _, c := range candidates {
		if len(given) >= 3 && strings.HasPrefix(c, given) {
			return c
		}
	}
	return ""
}

// EditDistance is the Levenshtein distance between a and b, in bytes.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
