package main

import (
	"bytes"
	"flag"
	"reflect"
	"strings"
	"testing"
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

func TestParseFlagsErrors(t *testing.T) {
	var errb bytes.Buffer
	c := &cli{stdout: &bytes.Buffer{}, stderr: &errb, getenv: func(string) string { return "" }}
	fs := c.newFlagSet("x", "", "x")
	fs.Bool("json", false, "")
	if _, code, ok := parseFlags(fs, []string{"a", "-nope"}); ok || code != exitError {
		t.Errorf("unknown flag: ok %v code %d", ok, code)
	}
	if !strings.Contains(errb.String(), "-nope") {
		t.Errorf("the error does not name the flag: %q", errb.String())
	}
	if _, code, ok := parseFlags(fs, []string{"-h"}); ok || code != exitOK {
		t.Errorf("-h: ok %v code %d", ok, code)
	}
}

func TestConfirm(t *testing.T) {
	tests := []struct {
		tty    bool
		answer string
		want   bool
		says   string
	}{
		{true, "yes\n", true, "Enter a value"},
		{true, "y\n", false, "cancelled"},
		{true, "", false, "cancelled"},
		{false, "yes\n", false, "-auto-approve"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		c := &cli{stdin: strings.NewReader(tt.answer), stdout: &out, stderr: &errb, stdinTTY: tt.tty, getenv: func(string) string { return "" }}
		if got := c.confirm("Go?"); got != tt.want {
			t.Errorf("tty %v answer %q: confirm = %v, want %v", tt.tty, tt.answer, got, tt.want)
		}
		if !strings.Contains(out.String()+errb.String(), tt.says) {
			t.Errorf("tty %v answer %q: output %q lacks %q", tt.tty, tt.answer, out.String()+errb.String(), tt.says)
		}
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
