package render

import (
	"strconv"
	"strings"
	"sync"
)

// terminal is a small terminal emulator for the live view's tests. It
// wraps a line at width columns, as a terminal does, and understands
// what the view writes: "\n", "\r", ESC[nA (cursor up n lines) and ESC[J
// (erase from the cursor to the end of the screen). Its screen is all
// that was written and not erased, so stacked frames show as they would.
type terminal struct {
	mu    sync.Mutex
	width int
	lines [][]rune
	row   int
	col   int
}

func newTerminal(width int) *terminal { return &terminal{width: width, lines: [][]rune{nil}} }

// Write implements io.Writer.
func (t *terminal) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	rs := []rune(string(p))
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case r == '\n':
			t.down()
			t.col = 0
		case r == '\r':
			t.col = 0
		case r == '\x1b' && i+1 < len(rs) && rs[i+1] == '[':
			j := i + 2
			for j < len(rs) && rs[j] >= '0' && rs[j] <= '9' {
				j++
			}
			n, _ := strconv.Atoi(string(rs[i+2 : j]))
			if j < len(rs) {
				switch rs[j] {
				case 'A':
					t.row = max(0, t.row-max(n, 1))
				case 'J':
					line := t.lines[t.row]
					t.lines[t.row] = line[:min(len(line), t.col)]
					t.lines = t.lines[:t.row+1]
				}
			}
			i = j
		default:
			if t.col == t.width {
				t.down()
				t.col = 0
			}
			line := t.lines[t.row]
			for len(line) <= t.col {
				line = append(line, ' ')
			}
			line[t.col] = r
			t.lines[t.row] = line
			t.col++
		}
	}
	return len(p), nil
}

// down moves the cursor one line down, adding a line at the bottom.
func (t *terminal) down() {
	t.row++
	if t.row == len(t.lines) {
		t.lines = append(t.lines, nil)
	}
}

// screen returns the lines on the screen, without the empty last line
// the cursor waits on.
func (t *terminal) screen() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]string, 0, len(t.lines))
	for _, l := range t.lines {
		out = append(out, string(l))
	}
	if n := len(out); n > 0 && strings.TrimSpace(out[n-1]) == "" {
		out = out[:n-1]
	}
	return out
}

// count returns how many screen lines start with prefix.
func (t *terminal) count(prefix string) int {
	n := 0
	for _, l := range t.screen() {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}
