package schema

import (
	"fmt"

	"github.com/vpsfleet/vpsfleet/internal/suggest"
)

// suggestion returns " Did you mean "x"?" for the candidate closest to
// given (see suggest.Closest), or "".
func suggestion(given string, candidates []string) string {
	best := suggest.Closest(given, candidates)
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" Did you mean %q?", best)
}
