// Package cli is the vpsfleet command line: one command table drives
// dispatch, help, -h, "did you mean" and shell completion, and each
// command's flags and wiring live in a file of their own. The work itself
// is done by the api, schema and engine packages.
package cli

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/vpsfleet/vpsfleet/internal/suggest"
)

// Exit codes, as pipelines read them (with -detailed-exitcode).
const (
	exitOK      = 0
	exitError   = 1
	exitChanges = 2 // plan -detailed-exitcode: the plan has changes
	exitFmt     = 3 // fmt -check: some files are not formatted
)

// command is one entry of the command table.
type command struct {
	name string
	// synopsis is the one line the command list shows.
	synopsis string
	// usage follows "vpsfleet NAME" in the -h usage line: flags and
	// arguments, e.g. "[-out FILE] [PATH]".
	usage string
	// description is the text -h shows under the usage line.
	description string
	// flags registers the command's flags on fs and returns the function
	// that runs the command on the positional arguments once fs has parsed
	// the rest. Nil for a command made of subcommands.
	flags func(c *cli, fs *flag.FlagSet) func(args []string) int
	// subcommands are chosen by the first argument, in the order listed.
	subcommands []*command
}

// commandTable returns every top-level command, in the order help lists
// them. It is a function, not a variable, because the help command reads
// the table.
func commandTable() []*command {
	return []*command{
		planCommand,
		applyCommand,
		destroyCommand,
		rebootCommand,
		runsCommand,
		showCommand,
		validateCommand,
		fmtCommand,
		exportCommand,
		inventoryCommand,
		serverCommand,
		sandboxCommand,
		versionCommand,
		completionCommand,
		helpCommand,
	}
}

// CommandNames returns the names of the top-level commands, in the order
// help lists them.
func CommandNames() []string { return names(commandTable()) }

// SubcommandNames returns the names of command's subcommands, in order,
// or nil when it has none (or there is no such command).
func SubcommandNames(command string) []string {
	if cmd := find(commandTable(), command); cmd != nil {
		return names(cmd.subcommands)
	}
	return nil
}

func names(cmds []*command) []string {
	out := make([]string, len(cmds))
	for i, c := range cmds {
		out[i] = c.name
	}
	return out
}

// find returns the command named name, or nil.
func find(cmds []*command, name string) *command {
	for _, c := range cmds {
		if c.name == name {
			return c
		}
	}
	return nil
}

// Main runs vpsfleet with args (the command line without the program
// name) in this process's streams and environment, and returns the exit
// code.
func Main(args []string) int { return newCLI().run(args) }

// run dispatches args through the command table and returns the exit code.
func (c *cli) run(args []string) int {
	if len(args) == 0 {
		fmt.Fprintf(c.stderr, "Error: vpsfleet needs a command; the commands are listed below.\n\n")
		c.usage(c.stderr)
		return exitError
	}
	switch strings.TrimLeft(args[0], "-") {
	case "h", "help":
		return c.dispatch(nil, helpCommand, args[1:])
	case "v", "version":
		return c.dispatch(nil, versionCommand, args[1:])
	}
	cmd := find(commandTable(), args[0])
	if cmd == nil {
		return c.unknown(nil, args[0])
	}
	return c.dispatch(nil, cmd, args[1:])
}

// dispatch runs cmd (a subcommand of the commands in path) on args: a
// command with subcommands chooses one by the first argument; any other
// parses its flags and runs.
func (c *cli) dispatch(path []*command, cmd *command, args []string) int {
	path = append(slices.Clip(path), cmd)
	if len(cmd.subcommands) > 0 {
		if len(args) == 0 {
			fmt.Fprintf(c.stderr, "Error: vpsfleet %s needs a subcommand; they are listed below.\n\n", commandName(path))
			c.subcommandUsage(c.stderr, path)
			return exitError
		}
		switch args[0] {
		case "-h", "--help", "help":
			c.subcommandUsage(c.stdout, path)
			return exitOK
		}
		sub := find(cmd.subcommands, args[0])
		if sub == nil {
			return c.unknown(path, args[0])
		}
		return c.dispatch(path, sub, args[1:])
	}
	fs, run := c.prepare(path)
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	return run(pos)
}

// prepare makes the flag set of the command at the end of path and
// registers its flags; run runs it on the positional arguments.
func (c *cli) prepare(path []*command) (fs *flag.FlagSet, run func(args []string) int) {
	cmd := path[len(path)-1]
	fs = c.newFlagSet(commandName(path), cmd.usage, cmd.description)
	return fs, cmd.flags(c, fs)
}

// commandName is the words of path: "server get".
func commandName(path []*command) string {
	return strings.Join(names(path), " ")
}

// unknown reports a command (or subcommand of path) that is not in the
// table, suggesting the closest one.
func (c *cli) unknown(path []*command, given string) int {
	cmds := commandTable()
	what, list := "command", "vpsfleet help"
	if len(path) > 0 {
		cmds = path[len(path)-1].subcommands
		what = commandName(path) + " subcommand"
		list = "vpsfleet " + commandName(path) + " -h"
	}
	hint := ""
	if best := suggest.Closest(given, names(cmds)); best != "" {
		hint = fmt.Sprintf(" Did you mean %q?", best)
	}
	fmt.Fprintf(c.stderr, "Error: unknown %s %q.%s\nRun \"%s\" for the list.\n", what, given, hint, list)
	return exitError
}

// usage prints the list of commands.
func (c *cli) usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: vpsfleet <command> [flags] [args]\n\n")
	fmt.Fprintf(w, "vpsfleet keeps a fleet of VPS.org servers the way its fleet files (*.hcl) say.\n\nCommands:\n")
	width := 0
	for _, cmd := range commandTable() {
		width = max(width, len(cmd.name))
	}
	for _, cmd := range commandTable() {
		fmt.Fprintf(w, "  %-*s %s\n", width, cmd.name, cmd.synopsis)
	}
	fmt.Fprintf(w, "\nRun \"vpsfleet <command> -h\" for a command's flags.\n")
	fmt.Fprintf(w, "Try it with no account: vpsfleet apply -endpoint sandbox examples/quickstart\n")
}

// subcommandUsage prints the subcommands of the command at the end of path.
func (c *cli) subcommandUsage(w io.Writer, path []*command) {
	cmd, name := path[len(path)-1], commandName(path)
	fmt.Fprintf(w, "Usage: vpsfleet %s <subcommand> [flags]\n\n%s\n\nSubcommands:\n", name, strings.TrimSpace(cmd.description))
	width := 0
	for _, s := range cmd.subcommands {
		width = max(width, len(s.name))
	}
	for _, s := range cmd.subcommands {
		fmt.Fprintf(w, "  %s %-*s %s\n", name, width, s.name, s.usage)
	}
	fmt.Fprintf(w, "\nRun \"vpsfleet %s <subcommand> -h\" for its flags.\n", name)
}

var helpCommand = &command{
	name:        "help",
	synopsis:    "Show help for vpsfleet or one command",
	usage:       "[COMMAND [SUBCOMMAND]]",
	description: "Show the list of commands, or the usage and flags of one command.",
}

// The help command reads the table, so its flags are set here, not in the
// literal, which would make an initialisation cycle.
func init() { helpCommand.flags = helpFlags }

func helpFlags(c *cli, fs *flag.FlagSet) func(args []string) int {
	fs.Usage = func() { c.usage(c.stdout) }
	return func(args []string) int {
		if len(args) == 0 {
			c.usage(c.stdout)
			return exitOK
		}
		cmd := find(commandTable(), args[0])
		if cmd == nil {
			return c.unknown(nil, args[0])
		}
		return c.dispatch(nil, cmd, append(args[1:], "-h"))
	}
}
