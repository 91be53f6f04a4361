package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vpsfleet/vpsfleet/schema"
)

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
	restore := explainDurations(fs)
	defer func() { restore(); fs.Usage = usage; fs.SetOutput(out) }()
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
				restore()
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

// explainDurations makes every duration flag of fs refuse a bad value by
// saying what a valid one looks like ("use a unit, e.g. 5m"), where the
// flag package says only "parse error". It returns the function that puts
// the flags' own values back, so that -h still names their type.
func explainDurations(fs *flag.FlagSet) (restore func()) {
	var undo []func()
	fs.VisitAll(func(f *flag.Flag) {
		g, ok := f.Value.(flag.Getter)
		if !ok {
			return
		}
		if _, isDuration := g.Get().(time.Duration); !isDuration {
			return
		}
		orig := f.Value
		f.Value = durationValue{orig}
		undo = append(undo, func() { f.Value = orig })
	})
	return func() {
		for _, u := range undo {
			u()
		}
		undo = nil
	}
}

// durationValue is a duration flag whose Set says how to write one.
type durationValue struct{ flag.Value }

// String implements flag.Value; the zero durationValue (which the flag
// package makes to find a flag's zero value) is "".
func (d durationValue) String() string {
	if d.Value == nil {
		return ""
	}
	return d.Value.String()
}

// Set implements flag.Value: a Go duration with a unit ("90s", "5m",
// "1h30m"), or an error that shows one.
func (d durationValue) Set(s string) error {
	if _, err := time.ParseDuration(s); err != nil {
		return durationError(s)
	}
	return d.Value.Set(s)
}

// durationError says why s is not a duration and what one looks like.
func durationError(s string) error {
	if s == "" {
		return errors.New("give a duration with a unit, e.g. 5m, 30s or 1h30m")
	}
	if strings.Trim(s, "0123456789.") == "" {
		return fmt.Errorf("use a unit, e.g. %sm (minutes), %ss (seconds) or %sh (hours)", s, s, s)
	}
	return errors.New("a duration is a number with a unit, e.g. 5m, 30s, 1h30m or 500ms (units: ms, s, m, h)")
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

// fleetFlags are the flags of every command that reads fleet files.
type fleetFlags struct {
	vars     stringList
	varFiles stringList
	noColor  bool
}

// register adds -var, -var-file and -no-color to fs.
func (f *fleetFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.vars, "var", "set a variable to a value, as `name=value` (repeatable; wins over -var-file and VPSFLEET_VAR_name)")
	fs.Var(&f.varFiles, "var-file", "read variables from a *.vars.hcl `file` (repeatable; later files win)")
	fs.BoolVar(&f.noColor, "no-color", false, "no colour in the output (also: NO_COLOR set)")
}
