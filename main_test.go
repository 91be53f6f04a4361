package main

// End-to-end tests of the vpsfleet binary: each test builds nothing itself
// but runs the binary that TestMain built, against the embedded sandbox
// (in-process on a state file in a temp dir, or served over HTTP by
// "vpsfleet sandbox serve"), with short sandbox delays.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/engine/render"
	"github.com/vpsfleet/vpsfleet/internal/cli"
)

// binary is the vpsfleet binary under test, built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vpsfleet-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "vpsfleet")
	// The local file locks of the runs go to a cache folder of the tests'
	// own, not the user's.
	os.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building vpsfleet:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// account is one sandbox account on a state file, with the environment
// that points the binary at it.
type account struct {
	t     *testing.T
	dir   string // working directory of the runs
	state string
	env   []string
}

// newAccount returns an empty in-process sandbox account with fast delays.
func newAccount(t *testing.T, extraEnv ...string) *account {
	t.Helper()
	dir := t.TempDir()
	state := filepath.Join(dir, "sandbox.json")
	env := append(cleanEnv(),
		"VPSORG_ENDPOINT=sandbox:"+state,
		"VPSFLEET_SANDBOX_PROVISION_DELAY=20ms",
		"VPSFLEET_SANDBOX_TRANSITION_DELAY=10ms",
		"VPSFLEET_SANDBOX_EMPTY=true",
		"NO_COLOR=1",
	)
	return &account{t: t, dir: dir, state: state, env: append(env, extraEnv...)}
}

// servedAccount points the binary at the sandbox served at base, running
// in dir, with token in VPSORG_TOKEN ("" sets none).
func servedAccount(t *testing.T, dir, base, token string) *account {
	env := append(cleanEnv(), "VPSORG_ENDPOINT="+base, "NO_COLOR=1")
	if token != "" {
		env = append(env, "VPSORG_TOKEN="+token)
	}
	return &account{t: t, dir: dir, env: env}
}

// groupFleet writes a fleet of n servers, PREFIX-0 to PREFIX-(n-1), made by
// one count block, and returns its directory.
func (a *account) groupFleet(prefix string, n int) string {
	return a.writeFleet(prefix, map[string]string{"fleet.hcl": fmt.Sprintf(`
server %q {
  count    = %d
  name     = "%s-${count.index}"
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}
`, prefix, n, prefix)})
}

// cleanEnv is the test process's environment without vpsfleet settings.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "VPSORG_") || strings.HasPrefix(kv, "VPSFLEET_") || strings.HasPrefix(kv, "NO_COLOR=") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// result is one finished run of the binary.
type result struct {
	code           int
	stdout, stderr string
}

// run runs the binary with args in the account's directory.
func (a *account) run(args ...string) result {
	a.t.Helper()
	return a.runInput("", args...)
}

func (a *account) runInput(stdin string, args ...string) result {
	a.t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = a.dir
	cmd.Env = a.env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			a.t.Fatalf("running vpsfleet %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// must runs args and fails the test unless the exit code is want.
func (a *account) must(want int, args ...string) result {
	a.t.Helper()
	r := a.run(args...)
	if r.code != want {
		a.t.Fatalf("vpsfleet %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, want, r.stdout, r.stderr)
	}
	return r
}

// writeFleet writes files (name → content) into a new directory under the
// account's directory and returns its path.
func (a *account) writeFleet(name string, files map[string]string) string {
	a.t.Helper()
	dir := filepath.Join(a.dir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		a.t.Fatal(err)
	}
	for n, content := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(content), 0o644); err != nil {
			a.t.Fatal(err)
		}
	}
	return dir
}

// servers lists the account as the API's JSON objects.
func (a *account) servers() []map[string]any {
	a.t.Helper()
	r := a.must(0, "server", "list", "-json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		a.t.Fatalf("server list -json is not a JSON array: %v\n%s", err, r.stdout)
	}
	return list
}

// namesCount counts live servers by name.
func (a *account) namesCount() map[string]int {
	counts := map[string]int{}
	for _, s := range a.servers() {
		counts[s["name"].(string)]++
	}
	return counts
}

func quickstart(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs("examples/quickstart")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHelpOnEveryCommand(t *testing.T) {
	a := newAccount(t)
	r := a.must(0, "help")
	for _, name := range cli.CommandNames() {
		if !strings.Contains(r.stdout, name) {
			t.Errorf("help does not list %q", name)
		}
		h := a.run(name, "-h")
		want := "Usage: vpsfleet " + name
		if name == "help" {
			want = "Usage: vpsfleet <command>"
		}
		if h.code != 0 || !strings.Contains(h.stdout, want) {
			t.Errorf("vpsfleet %s -h: exit %d, stdout %q", name, h.code, h.stdout)
		}
	}
	for _, s := range cli.SubcommandNames("server") {
		h := a.run("server", s, "--help")
		if h.code != 0 || !strings.Contains(h.stdout, "Usage: vpsfleet server "+s) {
			t.Errorf("vpsfleet server %s --help: exit %d, stdout %q", s, h.code, h.stdout)
		}
	}
	// Where a flag takes a glob, -h says GLOB.
	for cmd, flag := range map[string]string{"plan": "target", "apply": "target", "destroy": "target", "export": "match"} {
		h := a.must(0, cmd, "-h").stdout
		if !strings.Contains(h, "[-"+flag+" GLOB]") || !strings.Contains(h, "\n  -"+flag+" GLOB\n") {
			t.Errorf("vpsfleet %s -h does not say -%s GLOB:\n%s", cmd, flag, h)
		}
	}
	if r := a.run("sandbox", "serve", "-h"); r.code != 0 || !strings.Contains(r.stdout, "-provision-delay") {
		t.Errorf("sandbox serve -h: exit %d: %s", r.code, r.stdout)
	}
	if r := a.run("frobnicate"); r.code != 1 || !strings.Contains(r.stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := a.must(0, "version"); !strings.HasPrefix(r.stdout, "vpsfleet ") {
		t.Errorf("version: %q", r.stdout)
	}
}

func TestServerCommands(t *testing.T) {
	a := newAccount(t)
	r := a.must(0, "server", "create", "-name", "web-01", "-plan-id", "1", "-os-id", "5", "-location", "us-west",
		"-hostname", "web01.example.com", "-backups", "-wait", "-json")
	var created map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &created); err != nil {
		t.Fatalf("create -json: %v\n%s", err, r.stdout)
	}
	if created["id"].(float64) != 12345 || created["status"] != "active" || created["backups_enabled"] != true {
		t.Fatalf("created server: %v", created)
	}
	// Flags after the positional argument work as before it.
	r = a.must(0, "server", "get", "12345", "-json")
	if !strings.Contains(r.stdout, `"hostname": "web01.example.com"`) {
		t.Errorf("get -json: %s", r.stdout)
	}
	r = a.must(0, "server", "get", "12345")
	for _, want := range []string{"web-01", "active", "Standard VPS", "Backups:"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("get table lacks %q:\n%s", want, r.stdout)
		}
	}
	a.must(0, "server", "update", "12345", "--hostname", "www.example.com", "-backups=false")
	r = a.must(0, "server", "list")
	if !regexp.MustCompile(`12345\s+web-01\s+active`).MatchString(r.stdout) || !strings.Contains(r.stdout, "www.example.com") {
		t.Errorf("list table:\n%s", r.stdout)
	}
	a.must(0, "server", "stop", "12345", "-wait")
	if r := a.must(0, "server", "list", "-status", "stopped", "-json"); !strings.Contains(r.stdout, "web-01") {
		t.Errorf("list -status stopped: %s", r.stdout)
	}
	r = a.run("server", "stop", "12345")
	if r.code != 1 || !strings.Contains(r.stderr, "not running") {
		t.Errorf("stopping a stopped server: exit %d, stderr %q", r.code, r.stderr)
	}
	a.must(0, "server", "start", "12345", "-wait")
	a.must(0, "server", "reboot", "12345", "-wait")
	a.must(0, "server", "delete", "12345")
	r = a.run("server", "get", "12345")
	if r.code != 1 || !strings.Contains(r.stderr, "404") {
		t.Errorf("get after delete: exit %d, stderr %q", r.code, r.stderr)
	}
	r = a.run("server", "create", "-name", "9bad", "-plan-id", "1", "-os-id", "5", "-location", "us-west", "-hostname", "nodot")
	if r.code != 1 || !strings.Contains(r.stderr, "name") || !strings.Contains(r.stderr, "hostname") {
		t.Errorf("invalid create: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := a.run("server", "create", "-name", "x"); r.code != 1 || !strings.Contains(r.stderr, "-plan-id") {
		t.Errorf("create without required flags: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := a.run("server", "get", "12ab"); r.code != 1 || !strings.Contains(r.stderr, "not a server ID or name") {
		t.Errorf("get 12ab: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestServerCommandsTakeANameToo: get, update, delete, start, stop and
// reboot take a server's name as well as its id; a name that several
// servers carry is refused, naming their ids, and nothing is changed.
func TestServerCommandsTakeANameToo(t *testing.T) {
	a := newAccount(t)
	a.must(0, "server", "create", "-name", "app-01", "-plan-id", "1", "-os-id", "5", "-location", "us-west", "-wait")
	if r := a.must(0, "server", "get", "app-01", "-json"); !strings.Contains(r.stdout, `"id": 12345`) {
		t.Errorf("get app-01:\n%s", r.stdout)
	}
	a.must(0, "server", "stop", "app-01", "-wait")
	a.must(0, "server", "start", "app-01", "-wait")
	a.must(0, "server", "reboot", "app-01", "-wait")
	a.must(0, "server", "update", "app-01", "-hostname", "app.example.com")
	if r := a.run("server", "get", "app-1"); r.code != 1 || !strings.Contains(r.stderr, `no server is named app-1. Did you mean "app-01"?`) {
		t.Errorf("get app-1: exit %d, stderr %q", r.code, r.stderr)
	}
	a.must(0, "server", "create", "-name", "app-01", "-plan-id", "1", "-os-id", "5", "-location", "us-west")
	for _, sub := range []string{"get", "delete", "stop"} {
		r := a.run("server", sub, "app-01")
		if r.code != 1 || !strings.Contains(r.stderr, "2 servers are named app-01 (ids 12345, 12346)") || !strings.Contains(r.stderr, "vpsfleet server "+sub+" 12345") {
			t.Errorf("server %s of an ambiguous name: exit %d, stderr %q", sub, r.code, r.stderr)
		}
	}
	if n := a.namesCount()["app-01"]; n != 2 {
		t.Fatalf("%d servers named app-01 after refused commands, want 2", n)
	}
	a.must(0, "server", "delete", "12346")
	a.must(0, "server", "delete", "app-01")
	if n := len(a.servers()); n != 0 {
		t.Errorf("%d servers left after deleting app-01 by name", n)
	}
}

func TestPlanApplyQuickstart(t *testing.T) {
	a := newAccount(t)
	qs := quickstart(t)
	r := a.must(2, "plan", "-detailed-exitcode", qs)
	if !strings.Contains(r.stdout, "Plan: 3 to create") {
		t.Fatalf("plan of an empty account:\n%s", r.stdout)
	}
	r = a.must(2, "plan", "-json", "-detailed-exitcode", qs)
	var doc struct {
		FormatVersion string `json:"format_version"`
		Changes       []struct {
			Name    string   `json:"name"`
			Actions []string `json:"actions"`
		} `json:"changes"`
		Summary map[string]int `json:"summary"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("plan -json: %v\n%s", err, r.stdout)
	}
	if doc.FormatVersion != "2" || len(doc.Changes) != 3 || doc.Summary["create"] != 3 {
		t.Fatalf("plan -json: %+v", doc)
	}
	if r := a.must(0, "plan", "-markdown", qs); !strings.Contains(r.stdout, "3 to create") {
		t.Errorf("plan -markdown:\n%s", r.stdout)
	}
	// Without a terminal, apply refuses unless -auto-approve.
	r = a.run("apply", qs)
	if r.code != 1 || !strings.Contains(r.stderr, "-auto-approve") {
		t.Fatalf("apply without terminal: exit %d\n%s", r.code, r.stderr)
	}
	if n := len(a.servers()); n != 0 {
		t.Fatalf("a refused apply created %d servers", n)
	}
	r = a.must(0, "apply", "-auto-approve", "-poll-interval", "10ms", qs)
	if !strings.Contains(r.stdout, "Creation complete") {
		t.Errorf("apply output lacks progress lines:\n%s", r.stdout)
	}
	r = a.must(0, "plan", "-detailed-exitcode", qs)
	if !strings.Contains(r.stdout, "No changes") {
		t.Errorf("plan after apply:\n%s", r.stdout)
	}
	for name, n := range a.namesCount() {
		if n != 1 {
			t.Errorf("%d servers named %s", n, name)
		}
	}
}

func TestSavedPlanAppliesExactlyOrRefuses(t *testing.T) {
	a := newAccount(t)
	fleet := a.writeFleet("fleet", map[string]string{"fleet.hcl": `
server "app-01" {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
  hostname = "app01.example.com"
}
`})
	a.must(0, "server", "create", "-name", "app-01", "-plan-id", "1", "-os-id", "5", "-location", "us-west", "-hostname", "old.example.com", "-wait")
	a.must(2, "plan", "-detailed-exitcode", "-out", "update.plan", fleet)
	plan, err := os.ReadFile(filepath.Join(a.dir, "update.plan"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(plan, []byte("Bearer")) || bytes.Contains(plan, []byte(`"token"`)) {
		t.Fatalf("the saved plan holds a token:\n%s", plan)
	}
	if r := a.must(0, "show", "update.plan"); !strings.Contains(r.stdout, "app01.example.com") {
		t.Errorf("show:\n%s", r.stdout)
	}
	if r := a.must(0, "show", "-json", "update.plan"); !strings.Contains(r.stdout, `"update"`) {
		t.Errorf("show -json:\n%s", r.stdout)
	}
	// A saved plan is applied as made: flags that would change it are refused.
	if r := a.run("apply", "-target", "x", "update.plan"); r.code != 1 || !strings.Contains(r.stderr, "cannot change a saved plan") {
		t.Errorf("apply -target with a saved plan: exit %d\n%s", r.code, r.stderr)
	}
	if r := a.run("apply", "-parallelism", "0", "update.plan"); r.code != 1 || !strings.Contains(r.stderr, "-parallelism 0") {
		t.Errorf("apply -parallelism 0: exit %d\n%s", r.code, r.stderr)
	}
	// The account moves: the saved plan is refused and nothing changes.
	a.must(0, "server", "update", "12345", "-hostname", "moved.example.com")
	r := a.run("apply", "update.plan")
	if r.code != 1 || !strings.Contains(r.stderr, "changed since the plan") || !strings.Contains(r.stderr, "app-01") {
		t.Fatalf("stale plan: exit %d\n%s", r.code, r.stderr)
	}
	if r := a.must(0, "server", "get", "12345", "-json"); !strings.Contains(r.stdout, "moved.example.com") {
		t.Fatalf("a refused plan changed the server:\n%s", r.stdout)
	}
	// A fresh plan applies exactly, without asking.
	a.must(2, "plan", "-detailed-exitcode", "-out", "update.plan", fleet)
	a.must(0, "apply", "-poll-interval", "10ms", "update.plan")
	if r := a.must(0, "server", "get", "12345", "-json"); !strings.Contains(r.stdout, "app01.example.com") {
		t.Fatalf("saved plan not applied:\n%s", r.stdout)
	}
	a.must(0, "plan", "-detailed-exitcode", fleet)
}

func TestValidateFmtExport(t *testing.T) {
	a := newAccount(t)
	for _, ex := range []string{"quickstart", "web-and-db", "ci"} {
		dir, _ := filepath.Abs(filepath.Join("examples", ex))
		if r := a.run("validate", dir); r.code != 0 {
			t.Errorf("validate examples/%s: exit %d\n%s", ex, r.code, r.stderr)
		}
		if r := a.run("fmt", "-check", dir); r.code != 0 {
			t.Errorf("fmt -check examples/%s: exit %d\n%s%s", ex, r.code, r.stdout, r.stderr)
		}
	}
	broken := a.writeFleet("broken", map[string]string{"fleet.hcl": "server \"web-01\" {\n  plan_id = 1\n  os_id = 5\n  location = \"us-west\"\n  colour = \"red\"\n}\n"})
	r := a.run("validate", broken)
	if r.code != 1 || !strings.Contains(r.stderr, "fleet.hcl:5") {
		t.Errorf("validate broken: exit %d\n%s", r.code, r.stderr)
	}
	r = a.run("validate", "-json", broken)
	if r.code != 1 || !json.Valid([]byte(r.stdout)) || !strings.Contains(r.stdout, `"line": 5`) {
		t.Errorf("validate -json broken: exit %d\n%s", r.code, r.stdout)
	}
	checkSchema(t, "validate", "validate -json of a broken fleet", []byte(r.stdout))
	checkSchema(t, "validate", "validate -json of quickstart", []byte(a.must(0, "validate", "-json", quickstart(t)).stdout))
	messy := a.writeFleet("messy", map[string]string{"fleet.hcl": "server \"a-1\" {\nplan_id=1\n    os_id   = 5\nlocation=\"us-west\"\n}\n"})
	if r := a.run("fmt", "-check", "-diff", messy); r.code != 3 || !strings.Contains(r.stdout, "+  plan_id") {
		t.Errorf("fmt -check -diff: exit %d\n%s", r.code, r.stdout)
	}
	a.must(0, "fmt", messy)
	a.must(0, "fmt", "-check", messy)

	// Export round-trip: what export writes plans to no change.
	a.must(0, "apply", "-auto-approve", "-poll-interval", "10ms", quickstart(t))
	a.must(0, "server", "create", "-name", "manual-01", "-plan-id", "2", "-os-id", "3", "-location", "us-east", "-backups", "-wait")
	r = a.must(0, "export")
	for _, want := range []string{`server "manual-01"`, `server "demo-db-01"`, "backups_enabled = true"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("export lacks %q:\n%s", want, r.stdout)
		}
	}
	exported := a.writeFleet("exported", map[string]string{"fleet.hcl": r.stdout})
	a.must(0, "validate", exported)
	if r := a.run("plan", "-detailed-exitcode", exported); r.code != 0 {
		t.Errorf("plan of the exported fleet: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// export -out keeps an existing file unless -force is given.
	target := filepath.Join(exported, "main.hcl")
	if err := os.WriteFile(target, []byte("# hand-written\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = a.run("export", "-out", target)
	if kept, _ := os.ReadFile(target); r.code != 1 || !strings.Contains(r.stderr, "main.hcl already exists; nothing was written") ||
		!strings.Contains(r.stderr, "-force") || string(kept) != "# hand-written\n" {
		t.Errorf("export -out over an existing file: exit %d, stderr %q, file %q", r.code, r.stderr, kept)
	}
	a.must(0, "export", "-out", target, "-force")
	if replaced, _ := os.ReadFile(target); !strings.Contains(string(replaced), `server "manual-01"`) {
		t.Errorf("export -out -force did not replace the file:\n%s", replaced)
	}
	fresh := filepath.Join(exported, "new.hcl")
	a.must(0, "export", "-out", fresh)
	if made, _ := os.ReadFile(fresh); !strings.Contains(string(made), `server "manual-01"`) {
		t.Errorf("export -out to a new file:\n%s", made)
	}
	if r := a.run("export", "-force"); r.code != 1 || !strings.Contains(r.stderr, "-force replaces the file of -out FILE") {
		t.Errorf("export -force without -out: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestInterruptThenApplyConverges(t *testing.T) {
	a := newAccount(t)
	a.env = append(a.env, "VPSFLEET_SANDBOX_PROVISION_DELAY=1500ms")
	fleet := a.groupFleet("node", 6)
	r := a.start("apply", "-auto-approve", "-parallelism", "2", "-poll-interval", "20ms", fleet)
	r.readUntil(r.stdout, &r.out, "Creating...")
	if err := r.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := r.finish(); code != 1 {
		t.Fatalf("interrupted apply: exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, r.out.String(), r.errs.String())
	}
	if !strings.Contains(r.errs.String(), "Interrupt received") {
		t.Errorf("no interrupt message:\n%s", r.errs.String())
	}
	before := len(a.servers())
	if before >= 6 {
		t.Logf("all servers were created before the interrupt took effect")
	}
	a.must(0, "apply", "-auto-approve", "-poll-interval", "20ms", fleet)
	counts := a.namesCount()
	if len(counts) != 6 {
		t.Errorf("after the second apply: %v", counts)
	}
	for name, n := range counts {
		if n != 1 {
			t.Errorf("%d servers named %s", n, name)
		}
	}
	a.must(0, "plan", "-detailed-exitcode", fleet)
}

// serveSandbox starts "vpsfleet sandbox serve" on a free loopback port
// with args, stops it when the test ends, and returns its base URL and
// the first line it printed.
func serveSandbox(t *testing.T, args ...string) (base, banner string) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"sandbox", "serve", "-addr", "127.0.0.1:0", "-state", filepath.Join(t.TempDir(), "s.json")}, args...)...)
	cmd.Env = cleanEnv()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	banner, err = bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`http://(\S+)`).FindStringSubmatch(banner)
	if m == nil {
		t.Fatalf("no address in %q", banner)
	}
	return "http://" + m[1], banner
}

// TestSandboxServeAnswersTheDocumentation starts "vpsfleet sandbox serve"
// and drives it both with the documentation's requests and with the CLI.
// TestSandboxServeSaysWhereItsStateIs: on Ctrl-C, sandbox serve says
// where the account was saved, and, with -state "", that it was kept in
// memory only and is gone, never that it was saved.
func TestSandboxServeSaysWhereItsStateIs(t *testing.T) {
	state := filepath.Join(t.TempDir(), "s.json")
	for _, tt := range []struct {
		state, want string
	}{
		{"", `Sandbox stopped; its state was kept in memory only (-state "") and is gone.`},
		{state, "Sandbox stopped; state saved in " + state + "."},
	} {
		cmd := exec.Command(binary, "sandbox", "serve", "-addr", "127.0.0.1:0", "-state", tt.state)
		cmd.Env = cleanEnv()
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		out := bufio.NewReader(stdout)
		if banner, err := out.ReadString('\n'); err != nil || !strings.Contains(banner, "serving on") {
			t.Fatalf("banner %q: %v", banner, err)
		}
		cmd.Process.Signal(os.Interrupt)
		var rest bytes.Buffer
		rest.ReadFrom(out)
		if err := cmd.Wait(); err != nil {
			t.Errorf("-state %q: %v", tt.state, err)
		}
		if !strings.Contains(rest.String(), tt.want) || tt.state == "" && strings.Contains(rest.String(), "saved") {
			t.Errorf("-state %q: on stop it says %q, want %q", tt.state, rest.String(), tt.want)
		}
	}
}

// TestReadOnlyCommandsWhileTheSandboxIsHeld: while another process holds
// the in-process sandbox's state file (an apply; here a served sandbox on
// the same file), the commands that only read it (server list and get,
// plan, export) read it as it is on disk and say so; commands that change
// it are refused as before.
func TestReadOnlyCommandsWhileTheSandboxIsHeld(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "held.json")
	cmd := exec.Command(binary, "sandbox", "serve", "-addr", "127.0.0.1:0", "-state", state, "-empty", "-provision-delay", "10ms")
	cmd.Env = cleanEnv()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	banner, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + regexp.MustCompile(`http://(\S+)`).FindStringSubmatch(banner)[1]
	servedAccount(t, dir, base, "sandbox").must(0, "server", "create", "-name", "web-01", "-plan-id", "1", "-os-id", "5", "-location", "us-west", "-wait")

	a := &account{t: t, dir: dir, env: append(cleanEnv(), "VPSORG_ENDPOINT=sandbox:"+state, "NO_COLOR=1")}
	fleet := a.writeFleet("fleet", map[string]string{"fleet.hcl": "server \"web-01\" {\n  plan_id  = 1\n  os_id    = 5\n  location = \"us-west\"\n  hostname = \"web01.example.com\"\n}\n"})
	for _, args := range [][]string{
		{"server", "list"},
		{"server", "get", "web-01"},
		{"plan", fleet},
		{"export"},
	} {
		r := a.must(0, args...)
		if !strings.Contains(r.stdout, "web-01") || !strings.Contains(r.stderr, "holds the sandbox state") || !strings.Contains(r.stderr, "read-only") {
			t.Errorf("vpsfleet %s while the sandbox is held:\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.stdout, r.stderr)
		}
	}
	for _, args := range [][]string{
		{"server", "create", "-name", "web-02", "-plan-id", "1", "-os-id", "5", "-location", "us-west"},
		{"server", "delete", "web-01"},
		{"apply", "-auto-approve", fleet},
	} {
		if r := a.run(args...); r.code != 1 || !strings.Contains(r.stderr, "is in use") {
			t.Errorf("vpsfleet %s while the sandbox is held: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
		}
	}
	if counts := a.namesCount(); len(counts) != 1 || counts["web-01"] != 1 {
		t.Errorf("the refused commands changed the account: %v", counts)
	}
}

func TestSandboxServeAnswersTheDocumentation(t *testing.T) {
	dir := t.TempDir()
	base, first := serveSandbox(t, "-token", "s3cret-token", "-provision-delay", "10ms", "-transition-delay", "10ms")
	if strings.Contains(first, "s3cret-token") {
		t.Errorf("serve printed the token: %q", first)
	}
	a := servedAccount(t, dir, base, "s3cret-token")

	// The documentation's example servers are there, by the documented ids.
	r := a.must(0, "server", "get", "12345", "-json")
	for _, want := range []string{`"web-server-01"`, `"2001:0db8::1"`, `"bandwidth": 2048`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("GET 12345 lacks %s:\n%s", want, r.stdout)
		}
	}
	r = a.must(0, "server", "create", "-name", "web-server-02", "-plan-id", "1", "-os-id", "5", "-location", "us-west", "-hostname", "web02.example.com", "-backups", "-json")
	if !strings.Contains(r.stdout, `"id": 12347`) || !strings.Contains(r.stdout, `"provisioning"`) {
		t.Errorf("POST as documented:\n%s", r.stdout)
	}
	// A wrong token: a clear 401, and neither token is echoed.
	bad := servedAccount(t, dir, base, "wrong-token-xyz")
	r = bad.run("server", "list")
	if r.code != 1 || !strings.Contains(r.stderr, "401") || !strings.Contains(r.stderr, "check that VPSORG_TOKEN") || strings.Contains(r.stderr+r.stdout, "wrong-token-xyz") {
		t.Errorf("wrong token: exit %d, stderr %q", r.code, r.stderr)
	}
	// The same with the token in a flag, after the positional argument.
	flagged := servedAccount(t, dir, base, "")
	r = flagged.run("plan", quickstart(t), "--token", "wrong-token-xyz")
	if r.code != 1 || !strings.Contains(r.stderr, "401") || strings.Contains(r.stderr+r.stdout, "wrong-token-xyz") {
		t.Errorf("wrong -token: exit %d, stderr %q", r.code, r.stderr)
	}
	r = flagged.must(0, "plan", "-out", filepath.Join(dir, "flag.plan"), "-token", "s3cret-token", quickstart(t))
	if saved, _ := os.ReadFile(filepath.Join(dir, "flag.plan")); len(saved) == 0 || bytes.Contains(saved, []byte("s3cret-token")) || strings.Contains(r.stdout+r.stderr, "s3cret-token") {
		t.Errorf("-token: the plan file or the output holds the token, or no plan was saved:\n%s%s", r.stdout, r.stderr)
	}
	// A plan against the served account.
	r = a.must(2, "plan", "-detailed-exitcode", "-out", filepath.Join(dir, "p.plan"), quickstart(t))
	if !strings.Contains(r.stdout, "not managed") && !strings.Contains(r.stdout, "unmanaged") {
		t.Errorf("plan does not count the unmanaged servers:\n%s", r.stdout)
	}
	plan, _ := os.ReadFile(filepath.Join(dir, "p.plan"))
	if bytes.Contains(plan, []byte("s3cret-token")) {
		t.Errorf("the saved plan holds the token")
	}
}

// TestPlanShowsEveryKindOfChange seeds an account by hand with the server
// commands, then plans a fleet that needs every kind of change, and checks
// that the text, JSON and Markdown renderings agree.
func TestPlanShowsEveryKindOfChange(t *testing.T) {
	a := newAccount(t)
	for _, args := range [][]string{
		{"-name", "web-01", "-plan-id", "1", "-os-id", "5", "-location", "us-west", "-hostname", "old.example.com"}, // 12345 update
		{"-name", "web-02", "-plan-id", "1", "-os-id", "5", "-location", "us-west"},                                 // 12346 replace
		{"-name", "db-old", "-plan-id", "2", "-os-id", "3", "-location", "us-east"},                                 // 12347 rename
		{"-name", "web-09", "-plan-id", "1", "-os-id", "5", "-location", "us-west"},                                 // 12348 delete
		{"-name", "web-03", "-plan-id", "1", "-os-id", "5", "-location", "us-west"},                                 // 12349 stop
		{"-name", "web-04", "-plan-id", "1", "-os-id", "5", "-location", "us-west"},                                 // 12350 start
		{"-name", "other", "-plan-id", "1", "-os-id", "5", "-location", "us-west"},                                  // 12351 unmanaged
	} {
		a.must(0, append([]string{"server", "create", "-wait"}, args...)...)
	}
	a.must(0, "server", "stop", "12350", "-wait")
	fleet := a.writeFleet("fleet", map[string]string{"fleet.hcl": `
fleet {
  owns = ["web-*", "db-*"]
}

defaults {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}

server "web-01" { hostname = "web01.example.com" }
server "web-02" { plan_id = 2 }
server "web-03" { power = "off" }
server "web-04" {}
server "web-05" {}

server "db-01" {
  plan_id  = 2
  os_id    = 3
  location = "us-east"
}

moved {
  from = "db-old"
  to   = "db-01"
}
`})
	text := a.must(2, "plan", "-detailed-exitcode", fleet).stdout
	for _, want := range []string{
		"web-01 (id 12345) will be updated in place", `hostname "old.example.com" → "web01.example.com"`,
		"web-02 (id 12346) will be replaced", "plan_id 1 → 2 forces replacement",
		"db-01 (id 12347) will be renamed from db-old",
		"web-09 (id 12348) will be deleted", "not in the fleet, matched by owns web-*",
		"web-03 (id 12349) will be stopped", "web-04 (id 12350) will be started",
		"web-05 will be created", "1 other server in the account is not managed",
		"Plan: 1 to create, 1 to update, 1 to replace, 1 to delete, 2 power changes, 1 to rename.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("plan text lacks %q:\n%s", want, text)
		}
	}
	var doc struct {
		Changes []struct {
			Name    string   `json:"name"`
			Actions []string `json:"actions"`
			Reason  string   `json:"reason"`
		} `json:"changes"`
		Summary   map[string]int `json:"summary"`
		Unmanaged []struct {
			Name string `json:"name"`
			ID   int64  `json:"id"`
		} `json:"unmanaged"`
	}
	planJSON := a.must(0, "plan", "-json", fleet).stdout
	checkSchema(t, "plan", "plan -json", []byte(planJSON))
	if err := json.Unmarshal([]byte(planJSON), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"db-01": "rename", "web-01": "update", "web-02": "delete,create", "web-03": "stop", "web-04": "start", "web-05": "create", "web-09": "delete"}
	if len(doc.Changes) != len(want) || len(doc.Unmanaged) != 1 || doc.Unmanaged[0].Name != "other" || doc.Unmanaged[0].ID != 12351 {
		t.Fatalf("plan -json: %+v", doc)
	}
	md := a.must(0, "plan", "-markdown", fleet).stdout
	for _, c := range doc.Changes {
		if strings.Join(c.Actions, ",") != want[c.Name] || c.Reason == "" || !strings.Contains(text, c.Reason) {
			t.Errorf("%s: actions %v reason %q (text and JSON must agree)", c.Name, c.Actions, c.Reason)
		}
		if !strings.Contains(md, c.Name) {
			t.Errorf("markdown lacks %s", c.Name)
		}
	}
	if !strings.Contains(md, "Plan: 1 to create, 1 to update, 1 to replace, 1 to delete, 2 power changes, 1 to rename.") {
		t.Errorf("markdown summary:\n%s", md)
	}
	// -target limits the plan.
	r := a.must(2, "plan", "-json", "-detailed-exitcode", "-target", "web-0[12]", fleet)
	var targeted struct {
		Changes []struct{ Name string } `json:"changes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &targeted); err != nil {
		t.Fatal(err)
	}
	if len(targeted.Changes) != 2 || targeted.Changes[0].Name != "web-01" || targeted.Changes[1].Name != "web-02" {
		t.Errorf("plan -target web-0[12]: %+v", targeted.Changes)
	}
	// Every targeted plan says that targeting is in effect; a target that
	// matches nothing says so, and the plan does not claim that the
	// account matches the fleet while changes are pending.
	for _, target := range []string{"web-0[12]", "nothing"} {
		r := a.must(0, "plan", "-target", target, fleet)
		if !strings.Contains(r.stdout, "Warning: Targeting is in effect") || strings.Contains(r.stdout, "The account matches the fleet") {
			t.Errorf("plan -target %s:\n%s", target, r.stdout)
		}
	}
	if r := a.must(0, "plan", "-target", "nothing", fleet); !strings.Contains(r.stdout, `Warning: -target "nothing" matches nothing`) ||
		!strings.Contains(r.stdout, "No changes to the targeted servers.") {
		t.Errorf("plan -target nothing:\n%s", r.stdout)
	}
	// The report counts what was done as the plan counted it.
	if r := a.must(0, "apply", "-auto-approve", "-poll-interval", "10ms", fleet); !strings.Contains(r.stdout,
		"Apply complete! 1 created, 1 updated, 1 replaced, 1 deleted, 2 power changes, 1 renamed.") {
		t.Errorf("the report does not count the changes as the plan did:\n%s", r.stdout)
	}
	a.must(0, "plan", "-detailed-exitcode", fleet)
	if counts := a.namesCount(); counts["other"] != 1 || counts["web-09"] != 0 || counts["db-old"] != 0 || counts["db-01"] != 1 {
		t.Errorf("after apply: %v", counts)
	}
}

// TestTargetSelectsAGroupByItsLabel: -target with a server block's label
// selects every server the block declares, and only those.
func TestTargetSelectsAGroupByItsLabel(t *testing.T) {
	a := newAccount(t)
	dir := a.groupFleet("web", 3)
	if err := os.WriteFile(filepath.Join(dir, "db.hcl"), []byte("server \"web-db\" {\n  plan_id  = 1\n  os_id    = 5\n  location = \"us-west\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Changes []struct{ Name string } `json:"changes"`
	}
	if err := json.Unmarshal([]byte(a.must(2, "plan", "-json", "-detailed-exitcode", "-target", "web", dir).stdout), &doc); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range doc.Changes {
		names = append(names, c.Name)
	}
	if strings.Join(names, " ") != "web-0 web-1 web-2" {
		t.Errorf("plan -target web plans %q, want the three servers of server \"web\"", names)
	}
}

// TestUndeclaredServerLeftRunning: with no state file and no owns
// pattern, removing a server's block leaves the server running; the plan
// says so instead of a bare "No changes", and -show-unmanaged lists what
// the fleet leaves alone.
func TestUndeclaredServerLeftRunning(t *testing.T) {
	a := newAccount(t)
	block := "server %q {\n  plan_id  = 1\n  os_id    = 5\n  location = \"us-west\"\n}\n"
	dir := a.writeFleet("fleet", map[string]string{"fleet.hcl": fmt.Sprintf(block, "db-01") + fmt.Sprintf(block, "db-02")})
	a.must(0, "apply", "-auto-approve", "-poll-interval", "10ms", dir)
	a.must(0, "server", "create", "-name", "mail", "-plan-id", "1", "-os-id", "5", "-location", "us-west")
	if err := os.WriteFile(filepath.Join(dir, "fleet.hcl"), []byte(fmt.Sprintf(block, "db-01")), 0o644); err != nil {
		t.Fatal(err)
	}
	r := a.must(0, "plan", "-detailed-exitcode", dir)
	if !strings.Contains(r.stdout, "Warning: db-02 is no longer declared and no owns pattern covers it: it will be left running") {
		t.Errorf("plan after removing db-02's block:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "mail is no longer declared") {
		t.Errorf("plan warns of mail, which is not named like any declared server:\n%s", r.stdout)
	}
	r = a.must(0, "plan", "-show-unmanaged", dir)
	if !regexp.MustCompile(`(?m)^2 other servers in the account are not managed by this fleet:\n  db-02 \(id \d+\), named like db-01\n  mail \(id \d+\)\n`).MatchString(r.stdout) {
		t.Errorf("plan -show-unmanaged:\n%s", r.stdout)
	}
	if r := a.run("plan", "-show-unmanaged", "-json", dir); r.code != 1 || !strings.HasPrefix(r.stderr, "Error: -show-unmanaged") {
		t.Errorf("plan -show-unmanaged -json: exit %d\n%s", r.code, r.stderr)
	}
}

// appsAndProtectedDB applies a fleet of app-01, app-02 and db-01 (whose
// lifecycle prevents its destruction), creates a bystander the fleet does
// not declare, and returns the fleet's folder.
func (a *account) appsAndProtectedDB() string {
	a.t.Helper()
	fleet := a.writeFleet("fleet", map[string]string{"fleet.hcl": `
defaults {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}

server "app-01" {}
server "app-02" {}
server "db-01" {
  lifecycle {
    prevent_destroy = true
  }
}
`})
	a.must(0, "apply", "-auto-approve", "-poll-interval", "10ms", fleet)
	a.must(0, "server", "create", "-name", "bystander", "-plan-id", "1", "-os-id", "5", "-location", "us-west")
	return fleet
}

func TestDestroyKeepsProtectedServers(t *testing.T) {
	a := newAccount(t)
	fleet := a.appsAndProtectedDB()
	// destroy speaks of destroying: no advice to save a plan it cannot
	// save, no "Apply complete", no count of servers created.
	if r := a.run("destroy", fleet); r.code != 1 || !strings.Contains(r.stderr, "-auto-approve") || strings.Contains(r.stderr, "plan -out") {
		t.Fatalf("destroy without a terminal: exit %d\n%s", r.code, r.stderr)
	}
	r := a.must(0, "destroy", "-auto-approve", "-poll-interval", "10ms", fleet)
	if !strings.Contains(r.stdout, "db-01 kept: lifecycle.prevent_destroy") {
		t.Errorf("destroy does not say what it kept:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "Destroy complete! 2 servers destroyed.") || strings.Contains(r.stdout, "Apply") || strings.Contains(r.stdout, "created") {
		t.Errorf("destroy's report:\n%s", r.stdout)
	}
	counts := a.namesCount()
	if counts["app-01"]+counts["app-02"] != 0 || counts["db-01"] != 1 || counts["bystander"] != 1 {
		t.Errorf("after destroy: %v", counts)
	}
}

// TestReadmeNamesEveryFlag keeps the README's command reference complete:
// every flag that a command's -h lists must be named in that command's
// own section of README.md (the "### `vpsfleet NAME" heading up to the
// next heading), except the account and fleet-file flags that the
// Commands introduction names for all commands.
func TestReadmeNamesEveryFlag(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]string{} // first word after "vpsfleet " → section text
	for _, part := range strings.Split(string(readme), "\n### ")[1:] {
		if m := regexp.MustCompile("^`vpsfleet ([a-z]+)").FindStringSubmatch(part); m != nil {
			if i := strings.Index(part, "\n## "); i >= 0 {
				part = part[:i]
			}
			sections[m[1]] += part
		}
	}
	common := map[string]bool{"endpoint": true, "token": true, "request-timeout": true, "var": true, "var-file": true, "no-color": true}
	for _, word := range []string{"-endpoint", "-token", "-request-timeout", "-var", "-var-file", "-no-color"} {
		if !bytes.Contains(readme, []byte(word)) {
			t.Errorf("README.md does not name %s", word)
		}
	}
	a := newAccount(t)
	var invocations [][]string
	for _, name := range cli.CommandNames() {
		if name != "server" && name != "sandbox" && name != "help" {
			invocations = append(invocations, []string{name, "-h"})
		}
	}
	for _, s := range cli.SubcommandNames("server") {
		invocations = append(invocations, []string{"server", s, "-h"})
	}
	invocations = append(invocations, []string{"sandbox", "serve", "-h"})
	flagLine := regexp.MustCompile(`(?m)^  -([a-z-]+)`)
	for _, inv := range invocations {
		section, ok := sections[inv[0]]
		if !ok {
			t.Errorf("README.md has no section for vpsfleet %s", inv[0])
			continue
		}
		r := a.must(0, inv...)
		for _, m := range flagLine.FindAllStringSubmatch(r.stdout, -1) {
			if common[m[1]] {
				continue
			}
			if !regexp.MustCompile(`-` + regexp.QuoteMeta(m[1]) + `\b([^-]|$)`).MatchString(section) {
				t.Errorf("README.md's section on vpsfleet %s does not name -%s", inv[0], m[1])
			}
		}
	}
}

// TestAPIRefusalsPointAtTheFleet: a 400 at apply for plan_id = 99 or
// location = "mars" names the API's message and the attribute's
// file:line:col with its source line, as a diagnostic of the fleet does.
func TestAPIRefusalsPointAtTheFleet(t *testing.T) {
	a := newAccount(t)
	dir := a.writeFleet("fleet", map[string]string{"fleet.hcl": `defaults {
  location = "mars"
  os_id    = 5
}

server "web-01" {
  plan_id = 99
}
`})
	r := a.run("apply", "-auto-approve", "-poll-interval", "10ms", dir)
	if r.code != 1 {
		t.Fatalf("apply of plan_id 99 in mars: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"Error: The API refused plan_id of web-01", "fleet.hcl:7:13", "plan_id = 99", `Invalid pk "99"`,
		"Error: The API refused location of web-01", "fleet.hcl:2:14", `location = "mars"`, `"mars" is not a valid choice`,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

// TestNoCreditsStopsCreates: an account with no credits answers 402, and
// apply says so and fails without creating anything.
func TestNoCreditsStopsCreates(t *testing.T) {
	a := newAccount(t, "VPSFLEET_SANDBOX_CREDITS=0")
	r := a.run("apply", "-auto-approve", "-poll-interval", "10ms", quickstart(t))
	if r.code != 1 || !strings.Contains(strings.ToLower(r.stdout+r.stderr), "insufficient credits") {
		t.Errorf("apply with no credits: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if n := len(a.servers()); n != 0 {
		t.Errorf("%d servers created without credits", n)
	}
	// A create refused with 402 changed nothing: not started, not failed.
	if strings.Contains(r.stdout, "Creation failed") || strings.Contains(r.stdout, ": failed (create)") || !strings.Contains(r.stdout, ": not started (create)") {
		t.Errorf("a create refused with 402 is not reported as not started:\n%s", r.stdout)
	}
}

// TestApplyConvergesUnderFaults drives the binary, with its default client,
// against a served sandbox that fails a fifth of its requests, loses a
// third of its create answers and throttles: apply still converges, with
// no duplicate server and nothing deleted that the plan did not name.
func TestApplyConvergesUnderFaults(t *testing.T) {
	base, _ := serveSandbox(t, "-empty", "-seed", "7", "-fault-rate", "0.2", "-drop-rate", "0.3", "-rate-limit", "200",
		"-provision-delay", "20ms", "-transition-delay", "10ms")
	a := servedAccount(t, t.TempDir(), base, "sandbox")
	// The imperative create is not retried once sent: under faults it may
	// fail saying so, and then the list tells whether it was made.
	for try := 0; a.namesCount()["keep-me"] == 0; try++ {
		if try == 10 {
			t.Fatal("could not create keep-me in 10 tries")
		}
		if r := a.run("server", "create", "-name", "keep-me", "-plan-id", "1", "-os-id", "5", "-location", "us-west"); r.code != 0 && !strings.Contains(r.stderr, "server list") {
			t.Errorf("a failed create does not say how to check for the server:\n%s", r.stderr)
		}
	}
	fleet := func(n int) string {
		return a.writeFleet(fmt.Sprintf("fleet-%d", n), map[string]string{"fleet.hcl": fmt.Sprintf(`
fleet {
  owns = ["node-*"]
}

server "node" {
  count    = %d
  name     = format("node-%%02d", count.index)
  plan_id  = 1
  os_id    = 5
  location = "us-west"
  power    = count.index %% 4 == 0 ? "off" : "on"
}
`, n)})
	}
	a.must(0, "apply", "-auto-approve", "-poll-interval", "20ms", fleet(16))
	a.must(0, "plan", "-detailed-exitcode", fleet(16))
	a.must(0, "apply", "-auto-approve", "-poll-interval", "20ms", fleet(10))
	counts := a.namesCount()
	if len(counts) != 11 || counts["keep-me"] != 1 {
		t.Errorf("after shrinking to 10: %v", counts)
	}
	for name, n := range counts {
		if n != 1 {
			t.Errorf("%d servers named %s", n, name)
		}
	}
	a.must(0, "plan", "-detailed-exitcode", fleet(10))
}

// TestSecondInterruptExitsAtOnce: with every request slowed down, a first
// Ctrl-C waits for the requests in flight; a second one exits at once and
// names the servers whose request may still be in flight.
func TestSecondInterruptExitsAtOnce(t *testing.T) {
	base, _ := serveSandbox(t, "-empty", "-latency", "2s", "-provision-delay", "10ms")
	a := servedAccount(t, t.TempDir(), base, "sandbox")
	fleet := a.groupFleet("slow", 3)
	r := a.start("apply", "-auto-approve", "-poll-interval", "20ms", fleet)
	r.readUntil(r.stdout, &r.out, "Creating...")
	// Interrupt only once the three creates have reached the sandbox, so
	// that they are in flight (for the 2s of latency) when it arrives.
	for sandboxCount(t, base, "POST /api/v1/servers/") < 3 {
		time.Sleep(10 * time.Millisecond)
	}
	r.cmd.Process.Signal(os.Interrupt)
	r.readUntil(r.stderr, &r.errs, "Press Ctrl-C again")
	r.cmd.Process.Signal(os.Interrupt)
	if code := r.finish(); code != 1 {
		t.Fatalf("second Ctrl-C: exit %d, want 1\n%s", code, r.errs.String())
	}
	said := r.errs.String()
	if !regexp.MustCompile(`Requests may still be in flight for: slow-\d`).MatchString(said) {
		t.Errorf("the second Ctrl-C does not name what may be in flight:\n%s\nstdout:\n%s", said, r.out.String())
	}
}

// sandboxCount reads how many requests of route a served sandbox received.
func sandboxCount(t *testing.T, base, route string) int64 {
	t.Helper()
	resp, err := http.Get(base + "/_sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var stats struct {
		Requests map[string]int64 `json:"requests"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&stats); err != nil {
		t.Fatal(err)
	}
	return stats.Requests[route]
}

// running is the binary started in the background, its output read line
// by line and kept.
type running struct {
	t              *testing.T
	cmd            *exec.Cmd
	stdout, stderr *bufio.Scanner
	out, errs      strings.Builder
}

// start runs the binary with args in the account's directory, in the
// background.
func (a *account) start(args ...string) *running {
	a.t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir, cmd.Env = a.dir, a.env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		a.t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		a.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		a.t.Fatal(err)
	}
	return &running{t: a.t, cmd: cmd, stdout: bufio.NewScanner(stdout), stderr: bufio.NewScanner(stderr)}
}

// readUntil reads lines of s into kept until one contains marker (or the
// stream ends).
func (r *running) readUntil(s *bufio.Scanner, kept *strings.Builder, marker string) {
	for s.Scan() {
		kept.WriteString(s.Text() + "\n")
		if strings.Contains(s.Text(), marker) {
			return
		}
	}
}

// finish reads both streams to their end, waits for the process and
// returns its exit code.
func (r *running) finish() int {
	r.t.Helper()
	done := make(chan struct{})
	go func() {
		r.readUntil(r.stdout, &r.out, "\x00")
		close(done)
	}()
	r.readUntil(r.stderr, &r.errs, "\x00")
	<-done
	err := r.cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		r.t.Fatal(err)
	}
	return 0
}

// TestExitCodesAndErrors: every failure exits 1 with one clear message on
// stderr (what was wrong and what to do), never a Go stack, and leaves
// stdout free of usage text; -h exits 0.
func TestExitCodesAndErrors(t *testing.T) {
	qs := quickstart(t)
	tests := []struct {
		name   string
		env    []string
		args   []string
		code   int
		stderr []string
		stdout string // wanted in stdout; "" wants it empty
	}{
		{"bad flag", nil, []string{"plan", qs, "-bogus"}, 1, []string{"-bogus", `Run "vpsfleet plan -h"`}, ""},
		{"bad flag value", nil, []string{"apply", "-timeout", "soon", qs}, 1, []string{`invalid value "soon" for flag -timeout`}, ""},
		{"bad server flag", nil, []string{"server", "get", "12345", "-wat"}, 1, []string{`Run "vpsfleet server get -h"`}, ""},
		{"-h", nil, []string{"plan", qs, "-h"}, 0, nil, "Usage: vpsfleet plan"},
		{"detailed-exitcode on a broken fleet", nil, []string{"plan", "-detailed-exitcode", "broken"}, 1, []string{"fleet.hcl:1"}, ""},
		{"detailed-exitcode without changes", []string{"VPSORG_ENDPOINT=sandbox:empty.json"}, []string{"plan", "-detailed-exitcode", "nothing"}, 0, nil, "No changes"},
		{"missing fleet", nil, []string{"plan", "nosuch"}, 1, []string{"nosuch"}, ""},
		{"apply of a missing file", nil, []string{"apply", "-auto-approve", "nosuch.plan"}, 1, []string{"nosuch.plan does not exist", "plan -out FILE"}, ""},
		{"no token", []string{"VPSORG_ENDPOINT=https://api.example.com"}, []string{"server", "list"}, 1, []string{"set VPSORG_TOKEN", "-endpoint sandbox"}, ""},
		{"plain http", []string{"VPSORG_ENDPOINT=http://api.example.com", "VPSORG_TOKEN=tok-987"}, []string{"server", "list"}, 1, []string{"https://"}, ""},
		{"unknown sandbox subcommand", nil, []string{"sandbox", "start"}, 1, []string{`unknown sandbox subcommand "start"`}, ""},
		{"export -parallelism 0", nil, []string{"export", "-parallelism", "0"}, 1, []string{"-parallelism 0"}, ""},
		{"-full-plan without -markdown", nil, []string{"plan", "-full-plan", "https://ci.example.com/1", qs}, 1, []string{"add -markdown"}, ""},
		{"a Markdown size too small", nil, []string{"show", "-markdown", "-markdown-max-bytes", "100", "x.plan"}, 1, []string{"-markdown-max-bytes 100", "at least 4096"}, ""},
		{"a duration without a unit", nil, []string{"apply", "-timeout", "5", qs}, 1, []string{"-timeout", "use a unit, e.g. 5m"}, ""},
		{"no command", nil, nil, 1, []string{"needs a command", "plan"}, ""},
		{"no server subcommand", nil, []string{"server"}, 1, []string{"server needs a subcommand", "server get"}, ""},
		{"no sandbox subcommand", nil, []string{"sandbox"}, 1, []string{"sandbox needs a subcommand", "sandbox serve"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := newAccount(t, tt.env...)
			a.writeFleet("broken", map[string]string{"fleet.hcl": "server \"x\" {\n  colour = 1\n}\n"})
			a.writeFleet("nothing", map[string]string{"fleet.hcl": "fleet {\n  owns = [\"none-*\"]\n}\n"})
			r := a.run(tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if (tt.stdout == "") != (r.stdout == "") || !strings.Contains(r.stdout, tt.stdout) {
				t.Errorf("stdout %q, want %q", r.stdout, tt.stdout)
			}
			// Every error starts the same way.
			if tt.code != 0 && !strings.HasPrefix(r.stderr, "Error: ") {
				t.Errorf("stderr does not start with \"Error: \":\n%s", r.stderr)
			}
			never := []string{"goroutine ", "panic:", "tok-987", "&{"}
			if len(tt.args) > 0 && tt.args[0] != "server" && tt.args[0] != "sandbox" {
				never = append(never, "Usage:") // a missing (sub)command lists them
			}
			for _, never := range never {
				if strings.Contains(r.stderr, never) {
					t.Errorf("stderr holds %q:\n%s", never, r.stderr)
				}
			}
		})
	}
}

// TestSavedPlanBoundToItsSandbox: "-endpoint sandbox" in two directories
// is two accounts; a plan saved in one is refused in the other, even when
// every change is a create that would otherwise apply.
func TestSavedPlanBoundToItsSandbox(t *testing.T) {
	a := newAccount(t)
	a.env = append(a.env, "VPSORG_ENDPOINT=sandbox")
	b := newAccount(t)
	b.env = append(b.env, "VPSORG_ENDPOINT=sandbox")
	a.must(0, "plan", "-out", "create.plan", quickstart(t))
	plan, err := os.ReadFile(filepath.Join(a.dir, "create.plan"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b.dir, "create.plan"), plan, 0o600); err != nil {
		t.Fatal(err)
	}
	r := b.run("apply", "create.plan")
	if r.code != 1 || !strings.Contains(r.stderr, "was made for sandbox:"+filepath.Join(a.dir, ".vpsfleet")) {
		t.Fatalf("a plan of another directory's sandbox: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := len(b.servers()); n != 0 {
		t.Errorf("the refused plan created %d servers", n)
	}
	// Pointed at no account at all, apply says which one the plan is for.
	r = a.run("apply", "-endpoint", "https://api.example.com", "create.plan")
	if r.code != 1 || !strings.Contains(r.stderr, "set VPSORG_TOKEN") || !strings.Contains(r.stderr, "was made for sandbox:"+filepath.Join(a.dir, ".vpsfleet")) {
		t.Errorf("a plan applied without a token: exit %d\n%s", r.code, r.stderr)
	}
	a.must(0, "apply", "-poll-interval", "10ms", "create.plan")
}

// TestRequestTimeoutFlag: -request-timeout bounds each request, so a hung
// API fails the command with a message that names the timeout, instead of
// holding it for the default 30 s per attempt.
func TestRequestTimeoutFlag(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hung.Close()
	defer close(release)
	a := servedAccount(t, t.TempDir(), hung.URL, "tok-123")
	r := a.run("server", "list", "-request-timeout", "50ms")
	if r.code != 1 || !strings.Contains(r.stderr, "timed out after 50ms") {
		t.Errorf("server list against a hung API: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := a.run("server", "list", "-request-timeout", "-1s"); r.code != 1 || !strings.Contains(r.stderr, "-request-timeout") {
		t.Errorf("a negative -request-timeout: exit %d, stderr %q", r.code, r.stderr)
	}
}

// jsonLines decodes every line of out as one JSON object, failing the
// test on anything else: the -json event stream puts nothing else on
// standard output.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("stdout line %d is not a JSON object: %v\n%s", i+1, err, line)
		}
		lines = append(lines, obj)
	}
	return lines
}

// TestApplyAndDestroyJSONEvents follows an apply and a destroy from their
// event streams: a plan line first, every server's steps, a report and an
// exit line last, nothing else on standard output, and the human view on
// standard error at the same time.
func TestApplyAndDestroyJSONEvents(t *testing.T) {
	a := newAccount(t)
	fleet := a.groupFleet("evt", 3)
	r := a.must(0, "apply", "-json", "-auto-approve", "-poll-interval", "10ms", fleet)
	checkSchema(t, "events", "apply -json", []byte(r.stdout))
	lines := jsonLines(t, r.stdout)
	if lines[0]["type"] != "plan" || lines[len(lines)-1]["type"] != "exit" || lines[len(lines)-1]["reason"] != "applied" {
		t.Fatalf("the stream does not open with the plan and close with the exit:\n%s", r.stdout)
	}
	completed := map[string]bool{}
	for _, l := range lines {
		if l["format_version"] != "1" || l["timestamp"] == nil {
			t.Errorf("line without format_version or timestamp: %v", l)
		}
		if l["type"] == "complete" && l["outcome"] == "done" && l["id"].(float64) > 0 {
			completed[l["server"].(string)] = true
		}
	}
	if len(completed) != 3 {
		t.Errorf("complete lines for %v, want evt-0..2:\n%s", completed, r.stdout)
	}
	if report := lines[len(lines)-2]; report["type"] != "report" || report["report"].(map[string]any)["ok"] != true {
		t.Errorf("the line before the exit is not an ok report: %v", report)
	}
	for _, want := range []string{"evt-0: Creating...", "Plan: 3 to create", "Apply complete!"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("standard error lacks %q:\n%s", want, r.stderr)
		}
	}
	// Nothing to do: the plan line and the exit line.
	r = a.must(0, "apply", "-json", "-auto-approve", fleet)
	checkSchema(t, "events", "apply -json with nothing to do", []byte(r.stdout))
	if lines := jsonLines(t, r.stdout); len(lines) != 2 || lines[1]["reason"] != "no_changes" {
		t.Errorf("apply with nothing to do:\n%s", r.stdout)
	}
	// Refused without a terminal: the exit line says why.
	r = a.run("destroy", "-json", fleet)
	checkSchema(t, "events", "a refused destroy -json", []byte(r.stdout))
	if lines := jsonLines(t, r.stdout); r.code != 1 || lines[len(lines)-1]["reason"] != "refused" ||
		!strings.Contains(lines[len(lines)-1]["error"].(string), "-auto-approve") {
		t.Errorf("destroy -json without -auto-approve: exit %d\n%s", r.code, r.stdout)
	}
	r = a.must(0, "destroy", "-json", "-auto-approve", "-poll-interval", "10ms", fleet)
	checkSchema(t, "events", "destroy -json", []byte(r.stdout))
	lines = jsonLines(t, r.stdout)
	plan := lines[0]["changes"].([]any)
	if len(plan) != 3 || fmt.Sprint(plan[0].(map[string]any)["actions"]) != "[delete]" {
		t.Errorf("destroy plan line: %v", lines[0])
	}
	if n := len(a.servers()); n != 0 {
		t.Errorf("%d servers left after destroy", n)
	}
}

// TestJQGateCatchesEveryDestructiveChange runs the README's jq one-liner,
// as written there, with the real jq on real plans: it lets through plans
// that delete nothing, and stops every delete, replacement (either order)
// and destroy, and a plan that failed.
func TestJQGateCatchesEveryDestructiveChange(t *testing.T) {
	jq, err := exec.LookPath("jq")
	if err != nil {
		t.Skip("jq is not installed (apt-get install jq); the gate of README.md is not checked")
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^vpsfleet plan -json fleet \| jq (-\w+) '([^']+)'$`).FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no line `vpsfleet plan -json fleet | jq ... '...'`")
	}
	jqFlags, filter := string(m[1]), string(m[2])
	formats, _ := os.ReadFile("docs/FORMATS.md")
	if !bytes.Contains(formats, m[0]) {
		t.Errorf("docs/FORMATS.md does not give the README's gate:\n%s", m[0])
	}

	a := newAccount(t)
	for _, name := range []string{"web-01", "web-02"} {
		a.must(0, "server", "create", "-name", name, "-plan-id", "1", "-os-id", "5", "-location", "us-west", "-wait")
	}
	a.must(0, "server", "create", "-name", "mail", "-plan-id", "1", "-os-id", "5", "-location", "us-west")
	fleet := func(name, web01 string, web02 bool) string {
		src := "fleet {\n  owns = [\"web-*\"]\n}\n\ndefaults {\n  plan_id  = 1\n  os_id    = 5\n  location = \"us-west\"\n}\n\nserver \"web-01\" {\n" + web01 + "}\n"
		if web02 {
			src += "server \"web-02\" {}\n"
		}
		return a.writeFleet(name, map[string]string{"fleet.hcl": src})
	}
	tests := []struct {
		name string
		args []string
		pass bool
	}{
		{"creates and updates", []string{"plan", "-json", fleet("safe", "  hostname = \"web-1.example.com\"\n  power = \"off\"\n", true)}, true},
		{"no changes", []string{"plan", "-json", fleet("same", "", true)}, true},
		{"a replacement", []string{"plan", "-json", fleet("replace", "  plan_id = 2\n", true)}, false},
		{"a create_before_destroy replacement", []string{"plan", "-json", fleet("cbd", "  plan_id = 2\n  lifecycle {\n    create_before_destroy = true\n  }\n", true)}, false},
		{"a delete", []string{"plan", "-json", fleet("delete", "", false)}, false},
		{"a destroy", []string{"plan", "-destroy", "-json", fleet("destroy", "", true)}, false},
		{"a plan that failed", []string{"plan", "-json", "no-such-fleet"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := a.run(tt.args...)
			if (plan.code == 0) != (tt.name != "a plan that failed") {
				t.Fatalf("vpsfleet %s: exit %d\n%s", strings.Join(tt.args, " "), plan.code, plan.stderr)
			}
			gate := exec.Command(jq, jqFlags, filter)
			gate.Stdin = strings.NewReader(plan.stdout)
			out, err := gate.CombinedOutput()
			if passed := err == nil; passed != tt.pass {
				t.Errorf("the gate says pass=%v (%v: %s), want %v; plan exit %d:\n%s", passed, err, out, tt.pass, plan.code, plan.stdout)
			}
		})
	}
}

// TestPlanDestroyIsAPlanLikeAnyOther: plan -destroy shows what destroy
// would delete, saves it with -out (marked as a destroy plan), show
// renders it, and apply FILE deletes exactly those servers, or refuses
// when the account moved.
func TestPlanDestroyIsAPlanLikeAnyOther(t *testing.T) {
	a := newAccount(t)
	fleet := a.appsAndProtectedDB()
	r := a.must(2, "plan", "-destroy", "-detailed-exitcode", "-out", "destroy.plan", fleet)
	ids := map[string]string{}
	for _, srv := range a.servers() {
		ids[srv["name"].(string)] = fmt.Sprint(srv["id"])
	}
	for _, want := range []string{"app-01 (id " + ids["app-01"] + ") will be deleted", "app-02 (id " + ids["app-02"] + ") will be deleted", "db-01 kept: lifecycle.prevent_destroy",
		"Plan: 0 to create, 0 to update, 0 to replace, 2 to delete", "Saved the destroy plan to destroy.plan", "vpsfleet apply destroy.plan"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("plan -destroy lacks %q:\n%s", want, r.stdout)
		}
	}
	var saved struct {
		Destroy bool `json:"destroy"`
	}
	data, err := os.ReadFile(filepath.Join(a.dir, "destroy.plan"))
	if err != nil || json.Unmarshal(data, &saved) != nil || !saved.Destroy {
		t.Errorf("the saved plan is not marked as a destroy plan (%v):\n%s", err, data)
	}
	if r := a.must(0, "show", "destroy.plan"); !strings.HasPrefix(r.stdout, "Saved destroy plan for sandbox:") || !strings.Contains(r.stdout, "app-02 (id "+ids["app-02"]+") will be deleted") {
		t.Errorf("show of a destroy plan:\n%s", r.stdout)
	}
	shown := a.must(0, "show", "-json", "destroy.plan").stdout
	checkSchema(t, "plan", "show -json of a destroy plan", []byte(shown))
	var doc struct {
		Changes []struct {
			Name    string   `json:"name"`
			Actions []string `json:"actions"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(shown), &doc); err != nil || len(doc.Changes) != 2 || fmt.Sprint(doc.Changes[0].Actions, doc.Changes[1].Actions) != "[delete] [delete]" {
		t.Errorf("show -json of a destroy plan (%v):\n%s", err, shown)
	}
	if md := a.must(0, "show", "-markdown", "destroy.plan").stdout; !strings.Contains(md, "`app-01`") || !strings.Contains(md, "`app-02`") {
		t.Errorf("show -markdown of a destroy plan does not name what it deletes:\n%s", md)
	}
	// The account moves: the saved destroy plan is refused, nothing deleted.
	a.must(0, "server", "update", ids["app-02"], "-hostname", "moved.example.com")
	if r := a.run("apply", "destroy.plan"); r.code != 1 || !strings.Contains(r.stderr, "changed since the plan") {
		t.Fatalf("a stale destroy plan: exit %d\n%s", r.code, r.stderr)
	}
	if n := len(a.servers()); n != 4 {
		t.Fatalf("a refused destroy plan left %d of 4 servers", n)
	}
	a.must(0, "plan", "-destroy", "-out", "destroy.plan", fleet)
	a.must(0, "apply", "-poll-interval", "10ms", "destroy.plan")
	if counts := a.namesCount(); len(counts) != 2 || counts["db-01"] != 1 || counts["bystander"] != 1 {
		t.Errorf("after applying the destroy plan: %v", counts)
	}
}

// sandboxStats reads how many requests of each route a served sandbox
// received.
func sandboxStats(t *testing.T, base string) map[string]int64 {
	t.Helper()
	resp, err := http.Get(base + "/_sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var stats struct {
		Requests map[string]int64 `json:"requests"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&stats); err != nil {
		t.Fatal(err)
	}
	return stats.Requests
}

// inventoryFleet is a fleet of a count group, a single server and a moved
// block, for the inventory tests.
const inventoryFleet = `
fleet {
  owns = ["web-*", "db-*"]
}

defaults {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}

server "web" {
  count    = 2
  name     = "web-0${count.index + 1}"
  hostname = "web-${count.index + 1}.example.com"
}

server "db-01" {
  plan_id = 2
}

server "app-cache" {
  for_each = toset(["01"])
  name     = "cache-${each.key}"
}
`

// TestInventory lists a fleet's live servers as a table, as JSON (which
// matches its schema) and as an Ansible dynamic inventory (which has the
// shape Ansible documents), with the matching of plan, sending nothing but
// reads.
func TestInventory(t *testing.T) {
	base, _ := serveSandbox(t, "-empty", "-provision-delay", "10ms", "-transition-delay", "10ms")
	a := servedAccount(t, t.TempDir(), base, "sandbox")
	fleet := a.writeFleet("fleet", map[string]string{"fleet.hcl": inventoryFleet})
	a.must(0, "apply", "-auto-approve", "-poll-interval", "10ms", fleet)
	a.must(0, "server", "create", "-name", "db-old", "-plan-id", "1", "-os-id", "5", "-location", "us-west", "-wait")
	for _, srv := range a.servers() {
		if srv["name"] == "cache-01" { // declared, not live
			a.must(0, "server", "delete", fmt.Sprint(srv["id"]))
		}
	}
	moved := a.writeFleet("moved", map[string]string{"fleet.hcl": strings.Replace(inventoryFleet, `server "db-01" {`, `server "db-02" {`, 1) +
		"\nmoved {\n  from = \"db-old\"\n  to   = \"db-02\"\n}\n"})

	before := sandboxStats(t, base)
	table := a.must(0, "inventory", fleet).stdout
	for _, want := range []string{"NAME", "web-01", "web-2.example.com", "Performance VPS", "3 live server(s) in the fleet.",
		"Declared but not live (apply creates them): cache-01."} {
		if !strings.Contains(table, want) {
			t.Errorf("the table lacks %q:\n%s", want, table)
		}
	}
	js := a.must(0, "inventory", "-json", moved).stdout
	checkSchema(t, "inventory", "inventory -json", []byte(js))
	var doc struct {
		Servers []struct {
			Name, Group, Location string
			DeclaredAs            string  `json:"declared_as"`
			ID                    int64   `json:"id"`
			IPv4                  *string `json:"ipv4"`
			IPv6                  *string `json:"ipv6"`
		} `json:"servers"`
		NotLive []string `json:"not_live"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	byName := map[string]int{}
	for i, s := range doc.Servers {
		byName[s.Name] = i
		if s.IPv4 == nil || s.IPv6 == nil || s.ID == 0 {
			t.Errorf("%s: no id or address: %+v", s.Name, s)
		}
	}
	if len(doc.Servers) != 3 || doc.Servers[byName["db-old"]].DeclaredAs != "db-02" || doc.Servers[byName["web-02"]].Group != "web" ||
		fmt.Sprint(doc.NotLive) != "[cache-01]" {
		t.Errorf("inventory -json of the moved fleet: %s", js)
	}

	ansible := a.must(0, "inventory", "-ansible", fleet).stdout
	hosts := checkAnsibleInventory(t, ansible)
	web01 := doc.Servers[byName["web-01"]]
	if hv := hosts["web-01"]; hv["ansible_host"] != *web01.IPv4 || hv["vpsfleet_group"] != "web" || hv["vpsfleet_ipv6"] != *web01.IPv6 {
		t.Errorf("web-01's host variables: %v", hv)
	}
	var groups map[string]json.RawMessage
	json.Unmarshal([]byte(ansible), &groups)
	if string(groups["web"]) == "" || string(groups["db_01"]) == "" || groups["app_cache"] != nil {
		t.Errorf("groups: %s", ansible)
	}
	if r := a.must(0, "inventory", "-ansible", "-host", "web-01", fleet); !strings.Contains(r.stdout, `"ansible_host": "`+*web01.IPv4+`"`) {
		t.Errorf("-ansible -host web-01:\n%s", r.stdout)
	}
	after := sandboxStats(t, base)
	for route, n := range after {
		if n != before[route] && !strings.HasPrefix(route, "GET ") {
			t.Errorf("inventory sent %d %s", n-before[route], route)
		}
	}
	if r := a.run("inventory", "-json", "-ansible", fleet); r.code != 1 || !strings.Contains(r.stderr, "choose one output") {
		t.Errorf("-json -ansible: exit %d\n%s", r.code, r.stderr)
	}
	a.must(0, "server", "create", "-name", "web-02", "-plan-id", "1", "-os-id", "5", "-location", "us-west")
	if r := a.run("inventory", fleet); r.code != 1 || !strings.Contains(r.stderr, "web-02 is carried by 2 live servers") {
		t.Errorf("inventory with a name carried twice: exit %d\n%s", r.code, r.stderr)
	}
}

// checkAnsibleInventory checks doc against the shape of Ansible's dynamic
// inventory (--list): an object whose "_meta" holds "hostvars", a map of
// host to variables, and whose every other key is a group with "hosts"
// (names) and "children" (group names) lists; every host of a group has
// its variables, every child is a group, and "all" lists every group. It
// returns the host variables.
func checkAnsibleInventory(t *testing.T, doc string) map[string]map[string]any {
	t.Helper()
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &top); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, doc)
	}
	var meta struct {
		Hostvars map[string]map[string]any `json:"hostvars"`
	}
	if err := json.Unmarshal(top["_meta"], &meta); err != nil || meta.Hostvars == nil {
		t.Fatalf("no _meta.hostvars (%v):\n%s", err, doc)
	}
	allChildren := map[string]bool{}
	for name, raw := range top {
		if name == "_meta" {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		var g struct {
			Hosts    []string       `json:"hosts"`
			Children []string       `json:"children"`
			Vars     map[string]any `json:"vars"`
		}
		if err := dec.Decode(&g); err != nil {
			t.Errorf("group %q is not {hosts, children, vars}: %v", name, err)
		}
		if !regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`).MatchString(name) {
			t.Errorf("group %q is not a valid Ansible group name", name)
		}
		for _, h := range g.Hosts {
			if meta.Hostvars[h] == nil {
				t.Errorf("host %q of group %q has no hostvars", h, name)
			}
		}
		for _, c := range g.Children {
			if _, ok := top[c]; !ok && c != "ungrouped" {
				t.Errorf("child %q of group %q is no group", c, name)
			}
			if name == "all" {
				allChildren[c] = true
			}
		}
	}
	for name := range top {
		if name != "_meta" && name != "all" && !allChildren[name] {
			t.Errorf("group %q is not a child of all", name)
		}
	}
	return meta.Hostvars
}

// TestInventoryFeedsAnsible hands inventory -ansible to Ansible itself,
// through the executable file the help text shows: ansible-inventory
// --list and --host see every server, in its group, at its IPv4 address.
func TestInventoryFeedsAnsible(t *testing.T) {
	tool, err := exec.LookPath("ansible-inventory")
	if err != nil {
		t.Skip("ansible-inventory is not installed (apt-get install ansible-core); inventory -ansible is checked against Ansible's documented shape only (TestInventory)")
	}
	a := newAccount(t)
	fleet := a.writeFleet("fleet", map[string]string{"fleet.hcl": inventoryFleet})
	a.must(0, "apply", "-auto-approve", "-poll-interval", "10ms", fleet)
	var inv struct {
		Servers []struct {
			Name string  `json:"name"`
			IPv4 *string `json:"ipv4"`
		} `json:"servers"`
	}
	if err := json.Unmarshal([]byte(a.must(0, "inventory", "-json", fleet).stdout), &inv); err != nil || len(inv.Servers) != 4 {
		t.Fatalf("inventory -json: %v %+v", err, inv)
	}
	script := filepath.Join(a.dir, "vpsfleet-inventory")
	body := fmt.Sprintf("#!/bin/sh\nexec %q inventory -ansible %q \"$@\"\n", binary, fleet)
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	ansible := func(args ...string) []byte {
		cmd := exec.Command(tool, append([]string{"-i", script}, args...)...)
		cmd.Dir = a.dir
		cmd.Env = append(a.env, "HOME="+a.dir, "ANSIBLE_LOCAL_TEMP="+filepath.Join(a.dir, ".ansible-tmp"),
			"ANSIBLE_INVENTORY_UNPARSED_FAILED=true", "ANSIBLE_NOCOLOR=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || strings.Contains(stderr.String(), "WARNING") {
			t.Fatalf("ansible-inventory %v: %v\n%s%s", args, err, out, stderr.String())
		}
		return out
	}
	var list struct {
		Meta struct {
			Hostvars map[string]map[string]any `json:"hostvars"`
		} `json:"_meta"`
		Web struct {
			Hosts []string `json:"hosts"`
		} `json:"web"`
		DB struct {
			Hosts []string `json:"hosts"`
		} `json:"db_01"`
		Cache struct {
			Hosts []string `json:"hosts"`
		} `json:"app_cache"`
	}
	if err := json.Unmarshal(ansible("--list"), &list); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(list.Web.Hosts, list.DB.Hosts, list.Cache.Hosts) != "[web-01 web-02] [db-01] [cache-01]" {
		t.Errorf("Ansible's groups: web %v, db_01 %v, app_cache %v", list.Web.Hosts, list.DB.Hosts, list.Cache.Hosts)
	}
	for _, s := range inv.Servers {
		if got := list.Meta.Hostvars[s.Name]["ansible_host"]; got != *s.IPv4 {
			t.Errorf("Ansible reaches %s at %v, want %s", s.Name, got, *s.IPv4)
		}
	}
	var host map[string]any
	if err := json.Unmarshal(ansible("--host", "db-01"), &host); err != nil || host["vpsfleet_plan_id"] != 2.0 {
		t.Errorf("ansible-inventory --host db-01: %v %v", err, host)
	}
}

// TestCompletionInBash loads the script of "vpsfleet completion bash" into
// bash and asks it for completions as the shell would, and checks that it
// offers every flag that -h lists, for every command of the table.
func TestCompletionInBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed; the completion script is not loaded")
	}
	a := newAccount(t)
	script := filepath.Join(a.dir, "vpsfleet.bash")
	if err := os.WriteFile(script, []byte(a.must(0, "completion", "bash").stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	a.writeFleet("fleets", map[string]string{"fleet.hcl": "", "fleet.plan": ""})
	// complete WORD... asks for the completions of the last word.
	ask := func(lines ...string) string {
		t.Helper()
		prog := `source "$1" || exit 9
complete -p vpsfleet >/dev/null || exit 8
complete() { COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _vpsfleet; printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '; echo; }
` + strings.Join(lines, "\n")
		cmd := exec.Command(bash, "--norc", "--noprofile", "-c", prog, "bash", script)
		cmd.Dir = a.dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		return string(out)
	}
	tests := []struct{ line, want string }{
		{`complete vpsfleet ""`, strings.Join(sortedCopy(cli.CommandNames()), " ")},
		{`complete vpsfleet pl`, "plan"},
		{`complete vpsfleet in`, "inventory"},
		{`complete vpsfleet plan -de`, "-destroy -detailed-exitcode"},
		{`complete vpsfleet plan --mark`, "--markdown --markdown-max-bytes"},
		{`complete vpsfleet apply -json -auto`, "-auto-approve"},
		{`complete vpsfleet server ""`, strings.Join(sortedCopy(cli.SubcommandNames("server")), " ")},
		{`complete vpsfleet server li`, "list"},
		{`complete vpsfleet server list -s`, "-status"},
		{`complete vpsfleet -no-color server create -plan`, "-plan-id"},
		{`complete vpsfleet sandbox serve -pro`, "-provision-delay"},
		{`complete vpsfleet completion ""`, "bash fish zsh"},
		{`complete vpsfleet help inv`, "inventory"},
		{`complete vpsfleet plan -out fleets/fleet.p`, "fleets/fleet.plan"},
		{`complete vpsfleet plan -target web fleets/fl`, "fleets/fleet.hcl fleets/fleet.plan"},
		{`complete vpsfleet inventory -ansible -host ""`, ""},
		{`complete vpsfleet server get ""`, ""},
	}
	var lines []string
	for _, tt := range tests {
		lines = append(lines, tt.line)
	}
	got := strings.Split(strings.TrimSuffix(ask(lines...), "\n"), "\n")
	if len(got) != len(tests) {
		t.Fatalf("%d answers for %d questions:\n%s", len(got), len(tests), strings.Join(got, "\n"))
	}
	for i, tt := range tests {
		if strings.TrimSpace(got[i]) != tt.want {
			t.Errorf("%s: %q, want %q", tt.line, strings.TrimSpace(got[i]), tt.want)
		}
	}

	// Every flag -h lists is offered, and nothing else.
	var paths [][]string
	for _, name := range cli.CommandNames() {
		switch subs := cli.SubcommandNames(name); {
		case len(subs) > 0:
			for _, s := range subs {
				paths = append(paths, []string{name, s})
			}
		case name != "help":
			paths = append(paths, []string{name})
		}
	}
	flagLine := regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`)
	lines = nil
	var want []string
	for _, p := range paths {
		var flags []string
		for _, m := range flagLine.FindAllStringSubmatch(a.must(0, append(p, "-h")...).stdout, -1) {
			flags = append(flags, "-"+m[1])
		}
		lines = append(lines, "complete vpsfleet "+strings.Join(p, " ")+" -")
		want = append(want, strings.Join(sortedCopy(flags), " "))
	}
	got = strings.Split(strings.TrimSuffix(ask(lines...), "\n"), "\n")
	for i := range paths {
		if i >= len(got) || strings.TrimSpace(got[i]) != want[i] {
			t.Errorf("vpsfleet %s -: completes %q, -h lists %q", strings.Join(paths[i], " "), got[min(i, len(got)-1)], want[i])
		}
	}
}

// TestCompletionScriptsParse: the zsh and fish scripts are valid in their
// shells where those are installed, and an unknown shell is refused.
func TestCompletionScriptsParse(t *testing.T) {
	a := newAccount(t)
	for _, shell := range []string{"zsh", "fish"} {
		script := a.must(0, "completion", shell).stdout
		if !strings.Contains(script, "plan") || !strings.Contains(script, "markdown-max-bytes") {
			t.Errorf("the %s script lacks commands or flags:\n%s", shell, script[:min(400, len(script))])
		}
		path, err := exec.LookPath(shell)
		if err != nil {
			t.Logf("%s is not installed: its script is not parsed", shell)
			continue
		}
		file := filepath.Join(a.dir, "vpsfleet."+shell)
		os.WriteFile(file, []byte(script), 0o644)
		if out, err := exec.Command(path, "-n", file).CombinedOutput(); err != nil {
			t.Errorf("%s -n: %v\n%s", shell, err, out)
			continue
		}
		// Ask the shell itself: fish completes a command line with
		// complete -C; zsh runs the completion function with compadd and
		// _files standing in for its completion system.
		var cmd *exec.Cmd
		var want []string
		switch shell {
		case "fish":
			cmd = exec.Command(path, "--no-config", "-c", `source $argv[1]; for line in "vpsfleet pl" "vpsfleet plan -de" "vpsfleet server list -s" "vpsfleet completion z"; complete -C $line | string split -f1 \t | string join " "; end; true`, file)
			want = []string{"plan", "-destroy -detailed-exitcode", "-status", "zsh"}
		case "zsh":
			cmd = exec.Command(path, "-f", "-c", `compdef() { :; }; source "$1"; compadd() { shift; print -r -- "$@"; }; _files() { print FILES; }
t() { words=("$@"); CURRENT=${#words}; _vpsfleet; }; t vpsfleet pl; t vpsfleet server list -s; t vpsfleet plan -out ""; t vpsfleet completion ""`, shell, file)
			want = []string{strings.Join(cli.CommandNames(), " "), "-endpoint -json -location -request-timeout -status -token", "FILES", "bash zsh fish"}
		}
		out, err := cmd.CombinedOutput()
		if got := strings.TrimSuffix(string(out), "\n"); err != nil || got != strings.Join(want, "\n") {
			t.Errorf("%s completes (%v):\n%s\nwant:\n%s", shell, err, got, strings.Join(want, "\n"))
		}
	}
	if r := a.run("completion", "tcsh"); r.code != 1 || !strings.Contains(r.stderr, "bash, zsh or fish") {
		t.Errorf("completion tcsh: exit %d\n%s", r.code, r.stderr)
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	slices.Sort(out)
	return out
}

// ciWorkflow is the example GitHub Actions workflow.
const ciWorkflow = "examples/ci/.github/workflows/vpsfleet.yml"

// workflowRun returns the script ("run: |" block) of the workflow step
// named name, without its indentation.
func workflowRun(t *testing.T, workflow, name string) string {
	t.Helper()
	lines := strings.Split(workflow, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != "- name: "+name {
			continue
		}
		for j := i + 1; j < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[j]), "- "); j++ {
			if strings.TrimSpace(lines[j]) != "run: |" {
				continue
			}
			runIndent := len(lines[j]) - len(strings.TrimLeft(lines[j], " "))
			var body []string
			indent := -1
			for _, b := range lines[j+1:] {
				n := len(b) - len(strings.TrimLeft(b, " "))
				if strings.TrimSpace(b) != "" && n <= runIndent {
					break
				}
				if indent < 0 && strings.TrimSpace(b) != "" {
					indent = n
				}
				body = append(body, strings.TrimPrefix(b, strings.Repeat(" ", max(indent, 0))))
			}
			return strings.Join(body, "\n")
		}
	}
	t.Fatalf("%s has no step %q with a run: | script", ciWorkflow, name)
	return ""
}

// TestCIWorkflowPlansAPullRequest runs the plan step of the example
// workflow, as GitHub would (bash -eo pipefail, GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files), against the sandbox: the comment carries
// the marker it is found by, fits a comment and names what is replaced;
// the summary holds the plan; the artifact files are there; a plan that
// fails comments its diagnostics; and a pull request without the secret
// (a fork's) is said to be skipped, not failed.
func TestCIWorkflowPlansAPullRequest(t *testing.T) {
	bash, errBash := exec.LookPath("bash")
	_, errJQ := exec.LookPath("jq")
	if errBash != nil || errJQ != nil {
		t.Skip("bash or jq is not installed: the workflow's plan step is not run")
	}
	data, err := os.ReadFile(ciWorkflow)
	if err != nil {
		t.Fatal(err)
	}
	workflow := string(data)
	for _, want := range []string{"VPSFLEET_VERSION: v", "@$VPSFLEET_VERSION", "uses: actions/cache@", "VPSFLEET_LOCK_URL: ${{ secrets.VPSFLEET_LOCK_URL }}",
		"vpsfleet apply -json -lock-timeout 10m", "group: vpsfleet-apply-", "cancel-in-progress: false", "uses: actions/upload-artifact@", "GITHUB_STEP_SUMMARY"} {
		if !strings.Contains(workflow, want) {
			t.Errorf("%s lacks %q", ciWorkflow, want)
		}
	}
	if strings.Contains(workflow, "@latest") {
		t.Errorf("%s installs an unpinned vpsfleet", ciWorkflow)
	}
	script := workflowRun(t, workflow, "Plan the pull request")
	fleetSrc, err := os.ReadFile("examples/ci/fleet.hcl")
	if err != nil {
		t.Fatal(err)
	}
	a := newAccount(t)
	a.writeFleet("fleet", map[string]string{"fleet.hcl": string(fleetSrc)})
	step := func(token string) (code int, stdout string, outputs, summary string) {
		t.Helper()
		for _, f := range []string{"comment.md", "plan.json", "plan.txt", "fleet.plan", "outputs", "summary"} {
			os.Remove(filepath.Join(a.dir, f))
		}
		cmd := exec.Command(bash, "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
		cmd.Dir = a.dir
		cmd.Env = append(a.env, "VPSORG_TOKEN="+token, "FLEET_DIR=fleet", "RUN_URL=https://github.com/o/r/actions/runs/7",
			"GITHUB_OUTPUT="+filepath.Join(a.dir, "outputs"), "GITHUB_STEP_SUMMARY="+filepath.Join(a.dir, "summary"),
			"PATH="+filepath.Dir(binary)+string(os.PathListSeparator)+os.Getenv("PATH"))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		o, _ := os.ReadFile(filepath.Join(a.dir, "outputs"))
		s, _ := os.ReadFile(filepath.Join(a.dir, "summary"))
		return code, out.String(), string(o), string(s)
	}
	read := func(name string) string {
		data, _ := os.ReadFile(filepath.Join(a.dir, name))
		return string(data)
	}

	code, out, outputs, summary := step("sandbox")
	comment := read("comment.md")
	if code != 0 || !strings.Contains(outputs, "planned=true") || !strings.Contains(outputs, "exitcode=2") {
		t.Fatalf("the plan step: exit %d, outputs %q\n%s", code, outputs, out)
	}
	if !strings.HasPrefix(comment, "<!-- vpsfleet plan: fleet -->\n### vpsfleet plan\n") || len(comment) > render.MaxMarkdownBytes ||
		!strings.Contains(comment, "3 to create") {
		t.Errorf("comment.md (%d bytes):\n%s", len(comment), comment)
	}
	if !strings.Contains(summary, "### vpsfleet plan") || !strings.Contains(summary, "<details>") {
		t.Errorf("the job summary does not hold the plan:\n%s", summary)
	}
	checkSchema(t, "plan", "the workflow's plan.json", []byte(read("plan.json")))
	if !strings.Contains(read("plan.txt"), "Saved the plan to fleet.plan") || read("fleet.plan") == "" {
		t.Errorf("plan.txt or fleet.plan missing for the artifact")
	}
	if strings.Contains(out, "::warning") {
		t.Errorf("a plan of creates is flagged as destructive:\n%s", out)
	}

	// A replacement: flagged, and named in the comment.
	a.must(0, "apply", "-auto-approve", "-poll-interval", "10ms", filepath.Join(a.dir, "fleet"))
	a.writeFleet("fleet", map[string]string{"fleet.hcl": strings.Replace(string(fleetSrc), "  plan_id  = 1\n", "  plan_id  = 2\n", 1)})
	code, out, _, _ = step("sandbox")
	if comment := read("comment.md"); code != 0 || !strings.Contains(out, "::warning title=vpsfleet::This plan deletes or replaces servers") ||
		!strings.Contains(comment, "**Replaced (2):** `app-web-1`, `app-web-2`.") {
		t.Errorf("a plan of replacements: exit %d\n%s\n%s", code, out, comment)
	}

	// A broken fleet: the comment holds the diagnostics.
	a.writeFleet("fleet", map[string]string{"fleet.hcl": "server \"x\" {\n  colour = 1\n}\n"})
	code, _, outputs, summary = step("sandbox")
	if comment := read("comment.md"); code != 1 || !strings.HasPrefix(comment, "<!-- vpsfleet plan: fleet -->\n### vpsfleet plan failed") ||
		!strings.Contains(comment, "fleet.hcl:2") || !strings.Contains(summary, "vpsfleet plan failed") || !strings.Contains(outputs, "planned=false") {
		t.Errorf("a broken fleet: exit %d, outputs %q\n%s", code, outputs, comment)
	}

	// No secret (a fork): skipped, said so, not failed, and no comment.
	code, out, outputs, summary = step("")
	if code != 0 || !strings.Contains(out, "::notice title=vpsfleet plan skipped::") || !strings.Contains(summary, "forks") ||
		!strings.Contains(outputs, "planned=false") || read("comment.md") != "" {
		t.Errorf("a pull request without the secret: exit %d, outputs %q\n%s\n%s", code, outputs, out, summary)
	}
}

// TestShowJSONOfAnOlderPlanFile: a plan file saved before unmanaged
// servers were recorded by name (its model has only their count) still
// renders as format 2, with a warning that says what it cannot list.
func TestShowJSONOfAnOlderPlanFile(t *testing.T) {
	a := newAccount(t)
	a.must(0, "server", "create", "-name", "mail", "-plan-id", "1", "-os-id", "5", "-location", "us-west")
	a.must(0, "plan", "-out", "new.plan", quickstart(t))
	data, err := os.ReadFile(filepath.Join(a.dir, "new.plan"))
	if err != nil {
		t.Fatal(err)
	}
	old := regexp.MustCompile(`(?s),\s*"unmanaged_servers": \[.*?\]`).ReplaceAll(data, nil)
	if bytes.Equal(old, data) {
		t.Fatalf("the saved plan names no unmanaged server:\n%s", data)
	}
	os.WriteFile(filepath.Join(a.dir, "old.plan"), old, 0o600)
	shown := a.must(0, "show", "-json", "old.plan").stdout
	checkSchema(t, "plan", "show -json of an older plan file", []byte(shown))
	if !strings.Contains(shown, `"format_version": "2"`) || !strings.Contains(shown, "1 server not managed by this fleet is not named") {
		t.Errorf("show -json of an older plan file:\n%s", shown)
	}
	if shown := a.must(0, "show", "-json", "new.plan").stdout; !strings.Contains(shown, `"name": "mail"`) {
		t.Errorf("show -json of a new plan file does not name the unmanaged server:\n%s", shown)
	}
}
