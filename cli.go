package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/mattn/go-isatty"

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
}

// newCLI returns the cli of this process.
func newCLI() *cli {
	return &cli{
		stdin:     os.Stdin,
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		getenv:    os.Getenv,
		environ:   os.Environ(),
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
		stdinTTY:  isTerminal(os.Stdin),
	}
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
	fmt.Fprintf(c.stderr, "Error: "+format+"\n", args...)
	return exitError
}

// diagnostics prints diags with file:line:col and snippets, and reports
// whether any of them is an error.
func (c *cli) diagnostics(files map[string]*hcl.File, diags hcl.Diagnostics, noColor bool) bool {
	if len(diags) == 0 {
		return false
	}
	_ = schema.WriteDiagnostics(c.stderr, files, diags, 0, c.colorOn(c.stderrTTY, noColor))
	return diags.HasErrors()
}

// stringList is a repeatable string flag (-var, -target, ...).
type stringList []string

// String implements flag.Value: the values, comma-separated.
func (s *stringList) String() string { return strings.Join(*s, ",") }

// Set implements flag.Value: each use of the flag adds one value.
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// newFlagSet returns a FlagSet for "vpsfleet NAME" whose -h prints usage
// (the synopsis line, a description, then every flag) to stdout.
func (c *cli) newFlagSet(name, synopsis, description string) *flag.FlagSet {
	fs := flag.NewFlagSet("vpsfleet "+name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		w := c.stdout
		fmt.Fprintf(w, "Usage: vpsfleet %s %s\n\n%s\n", name, synopsis, strings.TrimSpace(description))
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintf(w, "\nFlags:\n")
			fs.SetOutput(w)
			fs.PrintDefaults()
			fs.SetOutput(c.stderr)
		}
	}
	return fs
}

// parseFlags parses args with flags allowed before and after positional
// arguments ("server get 12345 -json" equals "server get -json 12345");
// "--" ends flag parsing. It returns the positional arguments, or ok false
// with the exit code to use: 0 after -h, which prints the full usage; 1
// after a bad flag, which prints one error line to fs's output (stderr)
// saying how to see the flags, not the whole usage.
func parseFlags(fs *flag.FlagSet, args []string) (positional []string, exit int, ok bool) {
	usage, out := fs.Usage, fs.Output()
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	defer func() { fs.Usage = usage; fs.SetOutput(out) }()
	var rest []string
	for i, a := range args {
		if a == "--" {
			rest = args[i+1:]
			args = args[:i]
			break
		}
	}
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				usage()
				return nil, exitOK, false
			}
			fmt.Fprintf(out, "Error: %v.\nRun \"%s -h\" for its flags.\n", err, fs.Name())
			return nil, exitError, false
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	return append(positional, rest...), exitOK, true
}

// atMostOne checks the number of positional arguments, printing a usage
// error when there are too many.
func (c *cli) atMostOne(cmd string, args []string) (string, bool) {
	switch len(args) {
	case 0:
		return "", true
	case 1:
		return args[0], true
	}
	c.errorf("%s takes at most one path, got %d: %s\nRun \"vpsfleet %s -h\" for usage.", cmd, len(args), strings.Join(args, " "), cmd)
	return "", false
}

// checkGlobs returns an error naming the first malformed glob of flag.
func checkGlobs(flag string, patterns []string) error {
	for _, p := range patterns {
		if err := schema.CheckGlob(p); err != nil {
			return fmt.Errorf("%s %q is not a valid glob: %v.\nUse * for any run of characters, ? for one, [a-z] for a set.", flag, p, err)
		}
	}
	return nil
}

// checkParallelism refuses a -parallelism that lets no request run.
func checkParallelism(n int) error {
	if n < 1 {
		return fmt.Errorf("-parallelism %d: at least one request must be allowed in flight", n)
	}
	return nil
}
