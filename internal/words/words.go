// Package words agrees English words with counts, for the messages of
// the plan, the apply report and the executor: "1 server", "3 servers",
// "is"/"are", "it"/"them"; and writes durations as people do ("1h30m").
package words

import "fmt"

// Count is n with its noun, adding an s unless n is 1: "1 server",
// "3 servers".
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Plural is one when n is 1, many otherwise.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// IsAre agrees "to be" with n.
func IsAre(n int) string { return Plural(n, "is", "are") }

// ItThem is the pronoun for n things.
func ItThem(n int) string { return Plural(n, "it", "them") }
