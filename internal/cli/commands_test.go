package cli

import (
	"bytes"
	"strings"
	"testing"
)

// runCLI runs vpsfleet in-process with no environment and returns the
// exit code and both streams.
func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	c := &cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = c.run(args)
	return code, out.String(), errb.String()
}

// TestDidYouMean: a mistyped command or subcommand names the closest one.
func TestDidYouMean(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"pln"}, `unknown command "pln". Did you mean "plan"?`},
		{[]string{"aply"}, `Did you mean "apply"?`},
		{[]string{"server", "gte"}, `unknown server subcommand "gte". Did you mean "get"?`},
		{[]string{"sandbox", "serv"}, `Did you mean "serve"?`},
		{[]string{"help", "destory"}, `Did you mean "destroy"?`},
	} {
		code, stdout, stderr := runCLI(tt.args...)
		if code != exitError || stdout != "" || !strings.Contains(stderr, tt.want) {
			t.Errorf("vpsfleet %v: exit %d, stdout %q, stderr %q; want %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
	if _, _, stderr := runCLI("zzzzzz"); strings.Contains(stderr, "Did you mean") {
		t.Errorf("a name close to nothing got a suggestion: %q", stderr)
	}
}

// TestHelpComesFromTheTable: help lists every command of the table with
// its synopsis, and "help NAME" equals "NAME -h".
func TestHelpComesFromTheTable(t *testing.T) {
	_, list, _ := runCLI("help")
	for _, cmd := range commandTable() {
		if !strings.Contains(list, "  "+cmd.name) || !strings.Contains(list, cmd.synopsis) {
			t.Errorf("help lacks %s: %s", cmd.name, cmd.synopsis)
		}
		_, viaHelp, _ := runCLI("help", cmd.name)
		_, viaFlag, _ := runCLI(cmd.name, "-h")
		if viaHelp != viaFlag || viaHelp == "" {
			t.Errorf("help %s and %s -h differ:\n%s\n---\n%s", cmd.name, cmd.name, viaHelp, viaFlag)
		}
		for _, sub := range cmd.subcommands {
			_, viaHelp, _ := runCLI("help", cmd.name, sub.name)
			if !strings.Contains(viaHelp, "Usage: vpsfleet "+cmd.name+" "+sub.name) {
				t.Errorf("help %s %s: %q", cmd.name, sub.name, viaHelp)
			}
		}
	}
	if code, _, stderr := runCLI(); code != exitError || !strings.Contains(stderr, "Commands:") {
		t.Errorf("no arguments: exit %d, stderr %q", code, stderr)
	}
}
