package lock

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vpsfleet/vpsfleet/internal/golden"
	"github.com/vpsfleet/vpsfleet/internal/runinfo"
)

func TestMessages(t *testing.T) {
	since := time.Date(2026, 12, 1, 10, 4, 5, 0, time.FixedZone("CET", 3600))
	alice := &Holder{Process: runinfo.Process{User: "alice", Host: "laptop", PID: 4242, Command: "vpsfleet apply -auto-approve"}, Since: since}
	ci := &Holder{Process: runinfo.Process{User: "ci", Host: "runner-3", PID: 77, Command: "vpsfleet apply -auto-approve -token [redacted]",
		CIRunID: "GITHUB_RUN_ID=8123", CIRunURL: "https://github.com/acme/infra/actions/runs/8123"}, Since: since.Add(time.Minute)}
	many := Contention{Scope: "https://admin.vps.org"}
	for i := range 8 {
		many.Held = append(many.Held, Held{Name: fmt.Sprintf("web-%02d", i+1), Holder: ci})
	}
	cases := []struct {
		name string
		err  error
	}{
		{"one name, fail at once", &HeldError{Contention: Contention{Scope: "https://admin.vps.org",
			Held: []Held{{Name: "web-03", Holder: alice}}}}},
		{"two holders and an unknown one, after waiting", &HeldError{Contention: Contention{Scope: "prod", Waited: 30*time.Second + 4*time.Millisecond,
			Held: []Held{{Name: "db-01", Holder: ci}, {Name: "web-01", Holder: alice}, {Name: "web-02", Holder: alice}, {Name: "web-09"}}}}},
		{"a collision", &HeldError{Contention: Contention{Scope: "prod",
			Held: []Held{{Name: "web-01", HeldAs: "zz-99", Holder: alice}}}}},
		{"many names", &HeldError{Contention: many}},
		{"not waited", &HeldError{NotWaited: true, Contention: Contention{Scope: "prod",
			Held: []Held{{Name: "web-07", Holder: ci}}}}},
		{"local", &HeldError{Contention: Contention{Scope: "https://admin.vps.org", WholeScope: true,
			Held: []Held{{Name: "web-01", Holder: alice}, {Name: "web-02", Holder: alice}}}}},
		{"local, holder unknown", &HeldError{Contention: Contention{Scope: "s", WholeScope: true,
			Held: []Held{{Name: "web-01"}}}}},
	}
	var b strings.Builder
	for _, c := range cases {
		fmt.Fprintf(&b, "== %s\n%s\n\n", c.name, c.err)
		if !IsHeld(fmt.Errorf("wrapped: %w", c.err)) {
			t.Errorf("%s: IsHeld of a wrapped *HeldError is false", c.name)
		}
	}
	golden.Check(t, "testdata/messages.txt", []byte(b.String()))
	if IsHeld(errors.New("other")) {
		t.Error("IsHeld of another error is true")
	}
}
