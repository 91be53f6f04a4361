package words

import (
	"strings"
	"time"
)

// Duration writes d the way people write it: 10m, 1h30m, 42s, 20ms. It
// rounds to the second from a second up, to the millisecond from a
// millisecond up, and drops the trailing zero units Go's own String
// writes ("10m0s" is "10m").
func Duration(d time.Duration) string {
	if d >= time.Second {
		d = d.Round(time.Second)
	} else if d >= time.Millisecond {
		d = d.Round(time.Millisecond)
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
