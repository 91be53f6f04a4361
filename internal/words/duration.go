package words

import (
	"strings"
	"time"
)

// Duration writes d the way people write it: 10m, 1h30m, 42s, 20ms. It
// rounds to the second from a second up, to the millisecond from a
// millisecond up, and then writes it as Exact does.
func Duration(d time.Duration) string {
	if d >= time.Second {
		d = d.Round(time.Second)
	} else if d >= time.Millisecond {
		d = d.Round(time.Millisecond)
	}
	return Exact(d)
}

// Exact writes d as the fleet language does, unrounded: Go's own String
// without its trailing zero units ("10m0s" is "10m", "2h0m0s" is "2h",
// "1.5s" stays).
func Exact(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
