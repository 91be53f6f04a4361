package cli

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

const completionDescription = `
Print a script that makes the shell complete vpsfleet's commands,
subcommands and flags (and file names where a command takes a path),
generated from the command table of this vpsfleet:

  bash:  source <(vpsfleet completion bash)       (e.g. in ~/.bashrc)
  zsh:   source <(vpsfleet completion zsh)        (or save it as _vpsfleet in $fpath)
  fish:  vpsfleet completion fish > ~/.config/fish/completions/vpsfleet.fish`

// completionShells are the shells completion writes a script for.
var completionShells = []string{"bash", "zsh", "fish"}

var completionCommand = &command{
	name:        "completion",
	synopsis:    "Print a shell completion script (bash, zsh or fish)",
	usage:       "bash|zsh|fish",
	description: completionDescription,
}

// The completion command reads the table, so its flags are set here, not
// in the literal, which would make an initialisation cycle.
func init() { completionCommand.flags = completionFlags }

func completionFlags(c *cli, fs *flag.FlagSet) func(args []string) int {
	return func(args []string) int {
		if len(args) != 1 || !slices.Contains(completionShells, args[0]) {
			return c.errorf("completion needs one shell: bash, zsh or fish, e.g. source <(vpsfleet completion bash)")
		}
		nodes := completionNodes(c)
		var err error
		switch args[0] {
		case "bash":
			err = writeBashCompletion(c.stdout, nodes)
		case "zsh":
			err = writeZshCompletion(c.stdout, nodes)
		case "fish":
			err = writeFishCompletion(c.stdout, nodes)
		}
		if err != nil {
			return c.errorf("writing the completion script: %v", err)
		}
		return exitOK
	}
}

// completionNode is what the shell completes after one command path: ""
// (the top level), "plan", "server list".
type completionNode struct {
	path     string
	synopsis string
	// subs are the subcommands (for "": the commands), in table order.
	subs []*completionNode
	// flags are the command's flags, sorted by name.
	flags []completionFlag
	// args are the fixed words its positional argument may be (the shells
	// of completion, the commands of help).
	args []string
	// files reports whether its positional arguments are paths.
	files bool
}

// completionFlag is one flag of a command.
type completionFlag struct {
	name, usage string
	// value reports that the flag takes a value (it is not a bool);
	// file that the value is a path.
	value, file bool
}

// completionNodes walks the command table: every command and subcommand,
// with the flags its flags function registers on a FlagSet. The nodes are
// in table order, parents before their subcommands, the top level first.
func completionNodes(c *cli) []*completionNode {
	top := &completionNode{}
	nodes := []*completionNode{top}
	var walk func(parent *completionNode, cmds []*command)
	walk = func(parent *completionNode, cmds []*command) {
		for _, cmd := range cmds {
			n := &completionNode{path: strings.TrimSpace(parent.path + " " + cmd.name), synopsis: cmd.synopsis}
			if cmd.synopsis == "" {
				n.synopsis = strings.TrimSpace(cmd.usage)
			}
			parent.subs = append(parent.subs, n)
			nodes = append(nodes, n)
			if len(cmd.subcommands) > 0 {
				walk(n, cmd.subcommands)
				continue
			}
			n.flags = commandFlags(c, cmd)
			n.files = takesPaths(cmd.usage)
			switch cmd.name {
			case "completion":
				n.args = completionShells
			case "help":
				n.args = CommandNames()
			}
		}
	}
	walk(top, commandTable())
	return nodes
}

// commandFlags lists the flags cmd's flags function registers.
func commandFlags(c *cli, cmd *command) []completionFlag {
	if cmd.flags == nil {
		return nil
	}
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cmd.flags(c, fs)
	var out []completionFlag
	fs.VisitAll(func(f *flag.Flag) {
		placeholder, usage := flag.UnquoteUsage(f)
		boolean := false
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok {
			boolean = bf.IsBoolFlag()
		}
		file := strings.EqualFold(placeholder, "file") || strings.EqualFold(placeholder, "path")
		out = append(out, completionFlag{name: f.Name, usage: usage, value: !boolean, file: file})
	})
	return out
}

// takesPaths reports whether a usage line ends with a path argument
// ("[PATH]", "FILE", "[PATH|PLANFILE]", "[PATH...]").
func takesPaths(usage string) bool {
	fields := strings.Fields(usage)
	if len(fields) == 0 {
		return false
	}
	last := strings.Trim(fields[len(fields)-1], "[].")
	for _, word := range strings.Split(last, "|") {
		if word == "PATH" || word == "FILE" || word == "PLANFILE" {
			return true
		}
	}
	return false
}

// flagNames are the names of flags (without dashes) that pass keep.
func flagNames(flags []completionFlag, keep func(completionFlag) bool) string {
	var names []string
	for _, f := range flags {
		if keep(f) {
			names = append(names, f.name)
		}
	}
	return strings.Join(names, " ")
}

// subNames are the names of a node's subcommands.
func (n *completionNode) subNames() string {
	names := make([]string, len(n.subs))
	for i, s := range n.subs {
		names[i] = s.path[strings.LastIndex(s.path, " ")+1:]
	}
	return strings.Join(names, " ")
}

// writeShellTables writes the POSIX-shell functions bash and zsh share:
// each answers, for the command path in $1, with a space-separated list.
func writeShellTables(b *strings.Builder, nodes []*completionNode) {
	table := func(fn, doc string, value func(n *completionNode) string) {
		fmt.Fprintf(b, "# %s\n_vpsfleet_%s() {\n    case \"$1\" in\n", doc, fn)
		for _, n := range nodes {
			if v := value(n); v != "" {
				fmt.Fprintf(b, "        %s) echo %s ;;\n", shQuote(n.path), shQuote(v))
			}
		}
		b.WriteString("    esac\n}\n\n")
	}
	table("subs", "The commands, or subcommands, after the command path $1.", (*completionNode).subNames)
	table("flags", "The flags of the command path $1, without their dash.", func(n *completionNode) string {
		return flagNames(n.flags, func(completionFlag) bool { return true })
	})
	table("valued", "The flags of $1 that take a value.", func(n *completionNode) string {
		return flagNames(n.flags, func(f completionFlag) bool { return f.value })
	})
	table("fileflags", "The flags of $1 whose value is a file.", func(n *completionNode) string {
		return flagNames(n.flags, func(f completionFlag) bool { return f.file })
	})
	table("args", "The words the argument of $1 may be.", func(n *completionNode) string { return strings.Join(n.args, " ") })
	table("paths", "\"yes\" when the arguments of $1 are paths.", func(n *completionNode) string {
		if n.files {
			return "yes"
		}
		return ""
	})
	b.WriteString(`# _vpsfleet_has LIST WORD: whether WORD is in the space-separated LIST.
_vpsfleet_has() {
    [[ " $1 " == *" $2 "* ]]
}

`)
}

// completionHeader opens every script.
func completionHeader(b *strings.Builder, shell, load string) {
	fmt.Fprintf(b, "# %s completion for vpsfleet, generated by \"vpsfleet completion %s\" from its\n", shell, shell)
	fmt.Fprintf(b, "# command table: regenerate it after upgrading vpsfleet.\n# Load it with: %s\n\n", load)
}

// writeBashCompletion writes the bash script: _vpsfleet walks the words
// before the cursor through the command path (skipping flags and their
// values), then offers flags (after - or --), subcommands, the fixed
// arguments, or file names.
func writeBashCompletion(w io.Writer, nodes []*completionNode) error {
	var b strings.Builder
	completionHeader(&b, "bash", "source <(vpsfleet completion bash)")
	writeShellTables(&b, nodes)
	b.WriteString(`_vpsfleet() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="" cmdpath="" w name i skip=0
    (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"
    COMPREPLY=()
` + commandWalk("1", "COMP_CWORD", "${COMP_WORDS[i]}") + `    if (( skip )); then
        name="${prev#-}"; name="${name#-}"
        if _vpsfleet_has "$(_vpsfleet_fileflags "$cmdpath")" "$name"; then
            compopt -o filenames 2>/dev/null
            COMPREPLY=( $(compgen -f -- "$cur") )
        fi
        return
    fi
    if [[ $cur == -* ]]; then
        local dash=-
        [[ $cur == --* ]] && dash=--
        COMPREPLY=( $(compgen -P "$dash" -W "$(_vpsfleet_flags "$cmdpath")" -- "${cur#$dash}") )
        return
    fi
    local words
    words="$(_vpsfleet_subs "$cmdpath")"
    [[ -z $words ]] && words="$(_vpsfleet_args "$cmdpath")"
    if [[ -n $words ]]; then
        COMPREPLY=( $(compgen -W "$words" -- "$cur") )
    elif [[ -n $(_vpsfleet_paths "$cmdpath") ]]; then
        compopt -o filenames 2>/dev/null
        COMPREPLY=( $(compgen -f -- "$cur") )
    fi
}

complete -F _vpsfleet vpsfleet
`)
	_, err := io.WriteString(w, b.String())
	return err
}

// commandWalk is the shell loop bash's and zsh's scripts share: over the
// words before the cursor (from index first to below end, each word[i]),
// it skips a valued flag's value, stops after "--", and follows the
// subcommands into cmdpath; skip is left set when the cursor is a flag's
// value.
func commandWalk(first, end, word string) string {
	return `    for (( i = ` + first + `; i < ` + end + `; i++ )); do
        w="` + word + `"
        if (( skip )); then skip=0; continue; fi
        case "$w" in
            --) return ;;
            -*=*) ;;
            -*)
                name="${w#-}"; name="${name#-}"
                _vpsfleet_has "$(_vpsfleet_valued "$cmdpath")" "$name" && skip=1 ;;
            *)
                _vpsfleet_has "$(_vpsfleet_subs "$cmdpath")" "$w" && cmdpath="${cmdpath:+$cmdpath }$w" ;;
        esac
    done
`
}

// writeZshCompletion writes the zsh script: the same walk as bash's, with
// compadd and _files; it works sourced and as an autoloaded _vpsfleet.
func writeZshCompletion(w io.Writer, nodes []*completionNode) error {
	var b strings.Builder
	b.WriteString("#compdef vpsfleet\n")
	completionHeader(&b, "zsh", "source <(vpsfleet completion zsh), or save it as _vpsfleet in a directory of $fpath")
	writeShellTables(&b, nodes)
	b.WriteString(`_vpsfleet() {
    local cur="${words[CURRENT]}" prev="${words[CURRENT-1]}" cmdpath="" w name i skip=0
` + commandWalk("2", "CURRENT", "${words[i]}") + `    if (( skip )); then
        name="${prev#-}"; name="${name#-}"
        _vpsfleet_has "$(_vpsfleet_fileflags "$cmdpath")" "$name" && _files
        return
    fi
    local -a list
    if [[ $cur == -* ]]; then
        local dash=-
        [[ $cur == --* ]] && dash=--
        list=( ${=$(_vpsfleet_flags "$cmdpath")} )
        compadd -- "${(@)list/#/$dash}"
        return
    fi
    list=( ${=$(_vpsfleet_subs "$cmdpath")} )
    (( ${#list} )) || list=( ${=$(_vpsfleet_args "$cmdpath")} )
    if (( ${#list} )); then
        compadd -- "${(@)list}"
    elif [[ -n $(_vpsfleet_paths "$cmdpath") ]]; then
        _files
    fi
}

if [[ "${zsh_eval_context[-1]}" == loadautofunc ]]; then
    _vpsfleet "$@"
else
    compdef _vpsfleet vpsfleet
fi
`)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeFishCompletion writes the fish script: one complete line per
// command, subcommand and flag (fish's -o: Go's single-dash flags), with
// its description, and file names only where a command takes a path.
func writeFishCompletion(w io.Writer, nodes []*completionNode) error {
	var b strings.Builder
	completionHeader(&b, "fish", "vpsfleet completion fish > ~/.config/fish/completions/vpsfleet.fish")
	b.WriteString("complete -c vpsfleet -f\n")
	for _, n := range nodes {
		cond := fishCondition(n, nodes)
		for _, s := range n.subs {
			fmt.Fprintf(&b, "complete -c vpsfleet -n %s -a %s -d %s\n", fishQuote(cond), fishQuote(s.path[strings.LastIndex(s.path, " ")+1:]), fishQuote(s.synopsis))
		}
		if n.path == "" {
			continue
		}
		for _, f := range n.flags {
			line := fmt.Sprintf("complete -c vpsfleet -n %s -o %s -d %s", fishQuote(cond), f.name, fishQuote(firstLine(f.usage)))
			switch {
			case f.file:
				line += " -r -F"
			case f.value:
				line += " -x"
			}
			b.WriteString(line + "\n")
		}
		if len(n.args) > 0 {
			fmt.Fprintf(&b, "complete -c vpsfleet -n %s -a %s\n", fishQuote(cond), fishQuote(strings.Join(n.args, " ")))
		}
		if n.files {
			fmt.Fprintf(&b, "complete -c vpsfleet -n %s -F\n", fishQuote(cond))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fishCondition is the fish test that the command line is at node n: no
// command yet for the top level; otherwise each word of its path seen,
// and (for a command with subcommands) none of them yet.
func fishCondition(n *completionNode, nodes []*completionNode) string {
	if n.path == "" {
		return "__fish_use_subcommand"
	}
	var parts []string
	for _, word := range strings.Fields(n.path) {
		parts = append(parts, "__fish_seen_subcommand_from "+word)
	}
	if len(n.subs) > 0 {
		parts = append(parts, "not __fish_seen_subcommand_from "+n.subNames())
	}
	return strings.Join(parts, "; and ")
}

// shQuote quotes s for bash and zsh: in single quotes, each quote inside
// closed, escaped with a backslash and reopened.
func shQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// fishQuote quotes s for fish: single quotes, with \ and ' escaped.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// firstLine is the first line of s.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
