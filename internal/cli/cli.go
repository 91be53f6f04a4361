package cli

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/mattn/go-isatty"

	"github.com/vpsfleet/vpsfleet/engine/render"
	"github.com/vpsfleet/vpsfleet/schema"
)

// cli is one invocation's world: its streams, environment and terminal.
// Tests build one with buffers; main builds it from the process.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// getenv reads the environment; environ lists it (for VPSFLEET_VAR_*).
	getenv  func(string) string
	environ []string
	// stdoutTTY, stderrTTY and stdinTTY say whether those streams are
	// terminals.
	stdoutTTY, stderrTTY, stdinTTY bool
	// stdoutWidth reads the width in columns of the terminal stdout is,
	// 0 when unknown; nil when stdout is not a terminal.
	stdoutWidth func() int
	// stderrWidth is stdoutWidth for stderr, where -json sends the live
	// view.
	stderrWidth func() int
	// promptSignals, when set, replaces the process's Ctrl-C (and
	// SIGTERM) while a prompt waits for an answer: it returns the channel
	// they arrive on and the function that stops them. For tests.
	promptSignals func() (<-chan os.Signal, func())
	// events is the -json event stream of apply and destroy, nil
	// otherwise (see withEvents); failure is the last error printed, for
	// its exit line.
	events  *render.EventStream
	failure string
}

// newCLI returns the cli of this process.
func newCLI() *cli {
	return &cli{
		stdin:       os.Stdin,
		stdout:      os.Stdout,
		stderr:      os.Stderr,
		getenv:      os.Getenv,
		environ:     os.Environ(),
		stdoutTTY:   isTerminal(os.Stdout),
		stderrTTY:   isTerminal(os.Stderr),
		stdinTTY:    isTerminal(os.Stdin),
		stdoutWidth: func() int { return terminalWidth(os.Stdout) },
		stderrWidth: func() int { return terminalWidth(os.Stderr) },
	}
}

// columns is the width of the terminal stdout is: as the terminal says
// (asked each time, so a resize is followed), else $COLUMNS, else 0
// (unknown).
func (c *cli) columns() int {
	if c.stdoutWidth != nil {
		if w := c.stdoutWidth(); w > 0 {
			return w
		}
	}
	if n, err := strconv.Atoi(strings.TrimSpace(c.getenv("COLUMNS"))); err == nil && n > 0 {
		return n
	}
	return 0
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// color reports whether output to stdout should be coloured: only on a
// terminal, never with -no-color or a non-empty NO_COLOR.
func (c *cli) color(noColorFlag bool) bool { return c.colorOn(c.stdoutTTY, noColorFlag) }

// colorOn reports whether a stream that is (or is not) a terminal should be
// coloured.
func (c *cli) colorOn(tty, noColorFlag bool) bool {
	return tty && !noColorFlag && c.getenv("NO_COLOR") == "" && c.getenv("TERM") != "dumb"
}

// errorf prints one error line to stderr and returns exitError.
func (c *cli) errorf(format string, args ...any) int {
	c.failure = fmt.Sprintf(format, args...)
	fmt.Fprintf(c.stderr, "Error: %s\n", c.failure)
	return exitError
}

// diagnostics prints diags with file:line:col and snippets, and reports
// whether any of them is an error.
func (c *cli) diagnostics(files map[string]*hcl.File, diags hcl.Diagnostics, noColor bool) bool {
	if len(diags) == 0 {
		return false
	}
	_ = schema.WriteDiagnostics(c.stderr, files, diags, 0, c.colorOn(c.stderrTTY, noColor))
	for _, d := range diags {
		if d.Severity == hcl.DiagError && c.failure == "" {
			c.failure = d.Summary + ": " + d.Detail
		}
	}
	return diags.HasErrors()
}
