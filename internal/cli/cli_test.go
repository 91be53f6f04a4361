package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
)

func TestParseFlagsInterspersed(t *testing.T) {
	tests := []struct {
		args    []string
		json    bool
		targets []string
		pos     []string
	}{
		{[]string{"12345", "-json"}, true, nil, []string{"12345"}},
		{[]string{"-json", "12345"}, true, nil, []string{"12345"}},
		{[]string{"--json", "a", "-target", "web-*", "b", "--target=db-*"}, true, []string{"web-*", "db-*"}, []string{"a", "b"}},
		{[]string{"a", "--", "-json"}, false, nil, []string{"a", "-json"}},
		{nil, false, nil, nil},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		asJSON := fs.Bool("json", false, "")
		var targets stringList
		fs.Var(&targets, "target", "")
		pos, _, ok := parseFlags(fs, tt.args)
		if !ok {
			t.Fatalf("%q: parse failed", tt.args)
		}
		if *asJSON != tt.json || !reflect.DeepEqual([]string(targets), tt.targets) || !reflect.DeepEqual(pos, tt.pos) {
			t.Errorf("%q: json %v targets %q positional %q; want %v %q %q", tt.args, *asJSON, targets, pos, tt.json, tt.targets, tt.pos)
		}
	}
}

// TestParseFlagsErrors: a bad flag is one error on stderr that names the
// flag and says how to see the flags, without the whole usage; -h prints
// the usage on stdout and exits 0.
func TestParseFlagsErrors(t *testing.T) {
	tests := []struct {
		args       []string
		code       int
		stdout     string // wanted in stdout ("" wants it empty)
		stderr     []string
		stderrNone string
	}{
		{[]string{"a", "-nope"}, exitError, "", []string{"Error: flag provided but not defined: -nope.", `Run "vpsfleet x -h" for its flags.`}, "Usage"},
		{[]string{"-parallelism", "many"}, exitError, "", []string{`invalid value "many" for flag -parallelism`, `vpsfleet x -h`}, "Usage"},
		{[]string{"a", "-out"}, exitError, "", []string{"flag needs an argument: -out"}, "Usage"},
		{[]string{"-h"}, exitOK, "Usage: vpsfleet x", nil, "Error"},
		{[]string{"a", "--help"}, exitOK, "-parallelism", nil, "Error"},
		// A duration without a unit says how to write one; -h still
		// names the flag's type.
		{[]string{"-timeout", "5"}, exitError, "", []string{`Error: invalid value "5" for flag -timeout: use a unit, e.g. 5m`}, "parse error"},
		{[]string{"-timeout", "soon"}, exitError, "", []string{`invalid value "soon" for flag -timeout`, "e.g. 5m, 30s"}, "parse error"},
		{[]string{"-timeout", ""}, exitError, "", []string{"with a unit, e.g. 5m"}, "parse error"},
		{[]string{"-h"}, exitOK, "-timeout duration", nil, "Error"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		c := &cli{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
		fs := c.newFlagSet("x", "[PATH]", "x")
		fs.Bool("json", false, "")
		fs.Int("parallelism", 1, "requests in flight")
		fs.String("out", "", "a `FILE`")
		timeout := fs.Duration("timeout", time.Minute, "how long")
		_, code, ok := parseFlags(fs, tt.args)
		if *timeout != time.Minute {
			t.Errorf("%q: -timeout changed to %s", tt.args, *timeout)
		}
		if ok || code != tt.code {
			t.Errorf("%q: ok %v code %d, want false %d", tt.args, ok, code, tt.code)
		}
		if (tt.stdout == "") != (out.Len() == 0) || !strings.Contains(out.String(), tt.stdout) {
			t.Errorf("%q: stdout %q, want %q", tt.args, out.String(), tt.stdout)
		}
		for _, want := range tt.stderr {
			if !strings.Contains(errb.String(), want) {
				t.Errorf("%q: stderr %q lacks %q", tt.args, errb.String(), want)
			}
		}
		if strings.Contains(errb.String(), tt.stderrNone) {
			t.Errorf("%q: stderr %q holds %q", tt.args, errb.String(), tt.stderrNone)
		}
		if n := strings.Count(errb.String(), "Error"); n > 1 {
			t.Errorf("%q: %d errors printed: %q", tt.args, n, errb.String())
		}
	}
}

func TestConfirm(t *testing.T) {
	tests := []struct {
		tty     bool
		command string
		answer  string
		want    bool
		says    string
		never   string
	}{
		{true, "apply", "yes\n", true, "Enter a value", "cancelled"},
		{true, "apply", "y\n", false, "Apply cancelled; nothing was changed.", "Destroy"},
		{true, "apply", "", false, "Apply cancelled", "Destroy"},
		{false, "apply", "yes\n", false, "-auto-approve (or apply a saved plan", "Enter a value"},
		// destroy speaks of destroying, and gives no advice to save a
		// plan it cannot save.
		{true, "destroy", "no\n", false, "Destroy cancelled; nothing was changed.", "Apply"},
		{false, "destroy", "yes\n", false, "-auto-approve.", "plan -out"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		c := &cli{stdin: strings.NewReader(tt.answer), stdout: &out, stderr: &errb, stdinTTY: tt.tty, getenv: func(string) string { return "" }}
		if got := c.confirm("Go?", tt.command); got != tt.want {
			t.Errorf("%s tty %v answer %q: confirm = %v, want %v", tt.command, tt.tty, tt.answer, got, tt.want)
		}
		if all := out.String() + errb.String(); !strings.Contains(all, tt.says) || strings.Contains(all, tt.never) {
			t.Errorf("%s tty %v answer %q: output %q, want %q and no %q", tt.command, tt.tty, tt.answer, all, tt.says, tt.never)
		}
	}
}

// TestConfirmCtrlC: Ctrl-C at the prompt, while no answer has come,
// cancels and says so, as Terraform does, instead of killing the process
// silently; the signals are handed back once the prompt is over.
func TestConfirmCtrlC(t *testing.T) {
	for _, command := range []string{"apply", "destroy"} {
		stdin, typing := io.Pipe() // nothing is ever typed
		sigs := make(chan os.Signal, 1)
		stopped := false
		var out, errb bytes.Buffer
		c := &cli{stdin: stdin, stdout: &out, stderr: &errb, stdinTTY: true, getenv: func(string) string { return "" },
			promptSignals: func() (<-chan os.Signal, func()) { return sigs, func() { stopped = true } }}
		sigs <- os.Interrupt
		if c.confirm("Go?", command) {
			t.Errorf("%s: Ctrl-C at the prompt approved", command)
		}
		want := strings.ToUpper(command[:1]) + command[1:] + " cancelled (Ctrl-C at the prompt); nothing was changed."
		if errb.String() != "Error: "+want+"\n" || !strings.Contains(out.String(), "Enter a value") {
			t.Errorf("%s: stdout %q stderr %q, want the prompt and %q", command, out.String(), errb.String(), want)
		}
		if !stopped {
			t.Errorf("%s: the prompt kept the signals", command)
		}
		typing.Close()
	}
}

func TestColor(t *testing.T) {
	env := map[string]string{}
	c := &cli{stdoutTTY: true, getenv: func(k string) string { return env[k] }}
	if !c.color(false) {
		t.Error("no colour on a terminal")
	}
	if c.color(true) {
		t.Error("colour despite -no-color")
	}
	env["NO_COLOR"] = "1"
	if c.color(false) {
		t.Error("colour despite NO_COLOR")
	}
	c.stdoutTTY = false
	delete(env, "NO_COLOR")
	if c.color(false) {
		t.Error("colour without a terminal")
	}
}

func TestConnectRefusesWithoutToken(t *testing.T) {
	c := &cli{getenv: func(string) string { return "" }}
	_, err := c.connect(accountFlags{})
	if err == nil || !strings.Contains(err.Error(), "VPSORG_TOKEN") || !strings.Contains(err.Error(), "-endpoint sandbox") {
		t.Errorf("connect without a token: %v", err)
	}
	_, err = c.connect(accountFlags{endpoint: "http://example.com", token: "tok-123"})
	if err == nil || strings.Contains(err.Error(), "tok-123") {
		t.Errorf("plain http to a remote host: %v", err)
	}
}

// TestAccountErrorSaysWhatToDo: errors people can act on get a line
// saying what to do; the others pass through unchanged.
func TestAccountErrorSaysWhatToDo(t *testing.T) {
	const endpoint = "https://api.example.com"
	plain := errors.New("something else")
	tests := []struct {
		name string
		err  error
		want string // "" wants err unchanged
	}{
		{"401", &api.Error{Status: 401, Detail: "Invalid token.", Method: "GET", Path: "/api/v1/servers/"}, "check that VPSORG_TOKEN (or -token) holds a valid token for " + endpoint},
		{"wrapped 401", fmt.Errorf("list servers: %w", &api.Error{Status: 401}), "VPSORG_TOKEN"},
		{"no answer", &api.Error{Status: 0, Detail: "connection refused", Attempts: 6}, "Check that " + endpoint + " is reachable"},
		{"429", &api.Error{Status: 429, Detail: "Request was throttled."}, "wait a minute"},
		{"interrupted", &api.Error{Status: 0, Detail: "stopped: context canceled", Err: context.Canceled}, "Interrupted (Ctrl-C)"},
		{"lost create", &api.Error{Status: 0, Method: "POST", OutcomeUnknown: true}, ""},
		{"400", &api.Error{Status: 400, Fields: map[string][]string{"name": {"bad"}}}, ""},
		{"not an API error", plain, ""},
	}
	for _, tt := range tests {
		got := accountError(endpoint, tt.err)
		if !errors.Is(got, tt.err) {
			t.Errorf("%s: %v does not wrap the cause", tt.name, got)
		}
		if tt.want == "" {
			if got != tt.err {
				t.Errorf("%s: %q, want the error unchanged", tt.name, got)
			}
			continue
		}
		lines := strings.Split(got.Error(), "\n")
		if len(lines) != 2 || lines[0] != tt.err.Error() || !strings.Contains(lines[1], tt.want) {
			t.Errorf("%s: %q, want the error then a line with %q", tt.name, got, tt.want)
		}
	}
}

// TestSandboxEndpointNamesTheStateFileAbsolutely: the endpoint a plan is
// bound to names the sandbox's state file by its absolute path, so that a
// plan saved in one directory is refused by the account of another.
func TestSandboxEndpointNamesTheStateFileAbsolutely(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, tt := range []struct{ endpoint, want string }{
		{"sandbox", filepath.Join(dir, defaultSandboxState)},
		{"sandbox:other.json", filepath.Join(dir, "other.json")},
		{"sandbox:./sub/../other.json", filepath.Join(dir, "other.json")},
		{"sandbox:" + filepath.Join(dir, "abs.json"), filepath.Join(dir, "abs.json")},
	} {
		c := &cli{getenv: func(string) string { return "" }}
		conn, err := c.connect(accountFlags{endpoint: tt.endpoint})
		if err != nil {
			t.Fatalf("%s: %v", tt.endpoint, err)
		}
		if conn.endpoint != "sandbox:"+tt.want {
			t.Errorf("%s: endpoint %q, want %q", tt.endpoint, conn.endpoint, "sandbox:"+tt.want)
		}
		if err := conn.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPlanColourOnlyOnATerminal runs plan in-process against the embedded
// sandbox: colour on a terminal, none with -no-color, NO_COLOR, TERM=dumb
// or a pipe.
func TestPlanColourOnlyOnATerminal(t *testing.T) {
	qs, err := filepath.Abs("../../examples/quickstart")
	if err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(t.TempDir(), "s.json")
	tests := []struct {
		name   string
		tty    bool
		env    map[string]string
		args   []string
		colour bool
	}{
		{"terminal", true, nil, nil, true},
		{"-no-color", true, nil, []string{"-no-color"}, false},
		{"--no-color after the path", true, nil, []string{qs, "--no-color"}, false},
		{"NO_COLOR", true, map[string]string{"NO_COLOR": "1"}, nil, false},
		{"TERM=dumb", true, map[string]string{"TERM": "dumb"}, nil, false},
		{"pipe", false, nil, nil, false},
	}
	for _, tt := range tests {
		env := map[string]string{"VPSORG_ENDPOINT": "sandbox:" + state}
		for k, v := range tt.env {
			env[k] = v
		}
		var out, errb bytes.Buffer
		c := &cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, stdoutTTY: tt.tty, getenv: func(k string) string { return env[k] }}
		args := append([]string{"plan"}, tt.args...)
		if len(tt.args) == 0 || tt.args[0] != qs {
			args = append(args, qs)
		}
		if code := c.run(args); code != exitOK {
			t.Fatalf("%s: exit %d\n%s", tt.name, code, errb.String())
		}
		if !strings.Contains(out.String(), "Plan: 3 to create") {
			t.Fatalf("%s: no plan:\n%s", tt.name, out.String())
		}
		if got := strings.Contains(out.String(), "\x1b["); got != tt.colour {
			t.Errorf("%s: colour %v, want %v:\n%q", tt.name, got, tt.colour, out.String())
		}
	}
}

// TestWaitForStatusGivesUp: a server that stays in a transitional status
// makes -wait give up after -timeout, saying what to do.
func TestWaitForStatusGivesUp(t *testing.T) {
	acct, err := sandbox.New(sandbox.Options{Empty: true, Token: "t", ProvisionDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer acct.Close()
	client, err := api.New("http://sandbox", "t", api.WithHandler(acct))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := client.CreateServer(context.Background(), api.CreateRequest{Name: "slow", PlanID: 1, OSID: 5, Location: "us-west"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = waitForStatus(context.Background(), client, srv.ID, api.StatusActive, time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "still provisioning") || !strings.Contains(err.Error(), "-timeout") {
		t.Errorf("waitForStatus = %v, want a give-up error naming the status and -timeout", err)
	}
}

// TestColumns: the live view's width is the terminal's, else $COLUMNS,
// else unknown (0, which the view reads as 80 columns).
func TestColumns(t *testing.T) {
	tests := []struct {
		terminal int
		env      string
		want     int
	}{
		{100, "57", 100},
		{0, "57", 57},
		{0, " 57 ", 57},
		{0, "wide", 0},
		{0, "", 0},
		{-1, "-3", 0},
	}
	for _, tt := range tests {
		c := &cli{stdoutWidth: func() int { return tt.terminal }, getenv: func(k string) string {
			if k == "COLUMNS" {
				return tt.env
			}
			return ""
		}}
		if got := c.columns(); got != tt.want {
			t.Errorf("terminal %d, COLUMNS %q: columns %d, want %d", tt.terminal, tt.env, got, tt.want)
		}
	}
	f, err := os.CreateTemp(t.TempDir(), "not-a-terminal")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if w := terminalWidth(f); w != 0 {
		t.Errorf("a file has a terminal width of %d", w)
	}
}
