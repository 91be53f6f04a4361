package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const protectedFleet = `
fleet {
  owns    = ["app-*", "db-*"]
  protect = ["db-*"]
}

server "app-01" {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
  hostname = "app01.example.com"
}

server "app-02" {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}

server "db-01" {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}
`

// savedPlanAccount is an account holding app-01 (whose hostname the fleet
// changes), app-02 and db-01 (protected), with the fleet in "fleet".
func savedPlanAccount(t *testing.T) (*account, string) {
	a := newAccount(t)
	fleet := a.writeFleet("fleet", map[string]string{"fleet.hcl": protectedFleet})
	for _, name := range []string{"app-01", "app-02", "db-01"} {
		a.must(0, "server", "create", "-name", name, "-plan-id", "1", "-os-id", "5", "-location", "us-west", "-hostname", "old.example.com", "-wait")
	}
	return a, fleet
}

// TestEditedSavedPlanIsRefused: appending a delete of a protected server to
// a plan file's changes (seen applied before) is refused: the plan is
// derived again from the fleet and the servers the file records, and
// protection is checked whatever the plan says.
func TestEditedSavedPlanIsRefused(t *testing.T) {
	t.Parallel()
	a, fleet := savedPlanAccount(t)
	a.must(2, "plan", "-detailed-exitcode", "-out", "edited.plan", fleet)
	path := filepath.Join(a.dir, "edited.plan")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var file map[string]any
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	var db map[string]any
	for _, s := range file["read"].([]any) {
		if s.(map[string]any)["name"] == "db-01" {
			db = s.(map[string]any)
		}
	}
	plan := file["plan"].(map[string]any)
	plan["changes"] = append(plan["changes"].([]any), map[string]any{
		"name": "db-01", "actions": []string{"delete"}, "after": nil, "reason": "edited in",
		"before": map[string]any{"id": db["id"], "name": "db-01", "plan_id": 1, "os_id": 5, "location": "us-west", "backups_enabled": false, "power": "on"},
	})
	edited, _ := json.Marshal(file)
	if err := os.WriteFile(path, edited, 0o600); err != nil {
		t.Fatal(err)
	}
	r := a.run("apply", "edited.plan")
	if r.code != 1 || !strings.Contains(r.stderr, "cannot be trusted") || !strings.Contains(r.stderr, "db-01") {
		t.Fatalf("edited plan: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := a.namesCount()["db-01"]; n != 1 {
		t.Fatalf("db-01 servers: %d, want the protected server kept", n)
	}
}

// TestSavedPlanFitsTheAccount covers applying saved plans as a Terraform
// user expects: the plan's own endpoint is used, a stale plan is refused
// in one message, and a hand edit to a server the plan does not change
// leaves the plan applicable.
func TestSavedPlanFitsTheAccount(t *testing.T) {
	t.Parallel()
	a, fleet := savedPlanAccount(t)
	a.must(2, "plan", "-detailed-exitcode", "-out", "fits.plan", fleet)

	// Someone edits app-02, whose hostname the fleet does not manage.
	a.must(0, "server", "update", "12346", "-hostname", "hand.example.com")

	// The plan records its endpoint: with none in the environment, apply
	// uses it, instead of asking for a token for the real API.
	bare := *a
	bare.env = nil
	for _, kv := range a.env {
		if !strings.HasPrefix(kv, "VPSORG_ENDPOINT=") {
			bare.env = append(bare.env, kv)
		}
	}
	r := bare.run("apply", "-poll-interval", "10ms", "fits.plan")
	if r.code != 0 {
		t.Fatalf("apply of a plan that still fits: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// Now the account moves under a server the plan changes: refused, in
	// one message, naming the server.
	a.must(2, "plan", "-detailed-exitcode", "-out", "stale.plan", a.writeFleet("fleet2", map[string]string{"fleet.hcl": strings.Replace(protectedFleet, "app01.example.com", "app01-new.example.com", 1)}))
	a.must(0, "server", "update", "12345", "-hostname", "moved.example.com")
	r = a.run("apply", "stale.plan")
	if r.code != 1 || strings.Count(r.stderr, "changed since the plan") != 1 || !strings.Contains(r.stderr, "app-01") {
		t.Fatalf("stale plan: exit %d\n%s", r.code, r.stderr)
	}
}

// TestPlanOutNeverReplacesOtherFiles: -out refuses a fleet or variable
// file name and an existing file that is not a plan, and a refused plan
// writes nothing.
func TestPlanOutNeverReplacesOtherFiles(t *testing.T) {
	t.Parallel()
	a := newAccount(t)
	fleet := a.writeFleet("fleet", map[string]string{"main.hcl": protectedFleet, "prod.vars.hcl": "# variables\n"})
	for _, out := range []string{filepath.Join(fleet, "main.hcl"), filepath.Join(fleet, "prod.vars.hcl"), "notes.txt"} {
		if out == "notes.txt" {
			if err := os.WriteFile(filepath.Join(a.dir, out), []byte("mine"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		before, _ := os.ReadFile(filepath.Join(a.dir, out))
		if filepath.IsAbs(out) {
			before, _ = os.ReadFile(out)
		}
		r := a.run("plan", "-out", out, fleet)
		if r.code != 1 || !strings.Contains(r.stderr, "-out") || strings.Contains(r.stdout+r.stderr, "plan -out "+filepath.Base(out)) {
			t.Errorf("plan -out %s: exit %d\n%s%s", out, r.code, r.stdout, r.stderr)
		}
		after, _ := os.ReadFile(filepath.Join(a.dir, out))
		if filepath.IsAbs(out) {
			after, _ = os.ReadFile(out)
		}
		if string(after) != string(before) {
			t.Errorf("plan -out %s replaced the file", out)
		}
	}
	// A plan the planner refuses (a protected server to delete) leaves no
	// plan file behind.
	a.must(0, "server", "create", "-name", "db-99", "-plan-id", "1", "-os-id", "5", "-location", "us-west")
	if r := a.run("plan", "-out", "refused.plan", fleet); r.code != 1 {
		t.Fatalf("plan deleting a protected server: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(a.dir, "refused.plan")); !os.IsNotExist(err) {
		t.Errorf("a refused plan left a file: %v", err)
	}
}
