// Command vpsfleet keeps a fleet of VPS.org servers the way its HCL fleet
// files say: plan shows the changes, apply makes them.
//
// This file only dispatches: each command's flags and wiring live in a
// cmd_*.go file of its own, and the work is done by the api, schema and
// engine packages.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Exit codes, as pipelines read them (with -detailed-exitcode).
const (
	exitOK      = 0
	exitError   = 1
	exitChanges = 2 // plan -detailed-exitcode: the plan has changes
	exitFmt     = 3 // fmt -check: some files are not formatted
)

// command is one vpsfleet subcommand.
type command struct {
	name     string
	synopsis string
	run      func(c *cli, args []string) int
}

// commands returns every top-level command, by name.
func commands() map[string]command {
	list := []command{
		{"plan", "Show the changes that would bring the account to the fleet", runPlan},
		{"apply", "Make the changes of a plan or a fleet", runApply},
		{"destroy", "Delete every server the fleet declares", runDestroy},
		{"show", "Render a saved plan file", runShow},
		{"validate", "Check fleet files and report every problem", runValidate},
		{"fmt", "Rewrite fleet files in the canonical format", runFmt},
		{"export", "Write fleet HCL for the servers of the live account", runExport},
		{"server", "Imperative server commands: list, get, create, update, delete, start, stop, reboot", runServer},
		{"sandbox", "Run the embedded VPS.org sandbox account: sandbox serve", runSandbox},
		{"version", "Print the vpsfleet version", runVersion},
		{"help", "Show help for vpsfleet or one command", runHelp},
	}
	m := make(map[string]command, len(list))
	for _, c := range list {
		m[c.name] = c
	}
	return m
}

func main() {
	os.Exit(newCLI().run(os.Args[1:]))
}

// run dispatches args to a command and returns the process exit code.
func (c *cli) run(args []string) int {
	if len(args) == 0 {
		c.usage(c.stderr)
		return exitError
	}
	name := strings.TrimLeft(args[0], "-")
	switch name {
	case "h", "help":
		return runHelp(c, args[1:])
	case "v", "version":
		return runVersion(c, args[1:])
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(c.stderr, "vpsfleet: unknown command %q.\nRun \"vpsfleet help\" for the list of commands.\n", args[0])
		return exitError
	}
	return cmd.run(c, args[1:])
}

// usage prints the list of commands.
func (c *cli) usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: vpsfleet <command> [flags] [args]\n\n")
	fmt.Fprintf(w, "vpsfleet keeps a fleet of VPS.org servers the way its fleet files (*.hcl) say.\n\nCommands:\n")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].synopsis)
	}
	fmt.Fprintf(w, "\nRun \"vpsfleet <command> -h\" for a command's flags.\n")
	fmt.Fprintf(w, "Try it with no account: vpsfleet apply -endpoint sandbox examples/quickstart\n")
}

func runHelp(c *cli, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		c.usage(c.stdout)
		return exitOK
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(c.stderr, "vpsfleet: unknown command %q.\nRun \"vpsfleet help\" for the list of commands.\n", args[0])
		return exitError
	}
	return cmd.run(c, append(args[1:], "-h"))
}
