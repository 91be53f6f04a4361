package sandbox

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// crashCopy copies the state files of an open account (as a crash would
// leave them) to a new directory, and returns the copy's state path.
func crashCopy(t *testing.T, path string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "state.json")
	for _, suffix := range []string{"", ".journal"} {
		data, err := os.ReadFile(path + suffix)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst+suffix, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// names lists an account's server names in id order.
func names(a *Account) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, r := range a.servers {
		out = append(out, r.Name)
	}
	return strings.Join(out, " ")
}

// changesIn returns the journal's changes, without the zeros the file is
// extended with.
func changesIn(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.TrimRight(data, "\x00")
}

func mustNew(t *testing.T, path string) *Account {
	t.Helper()
	a, err := New(Options{StatePath: path, Token: testToken, Seed: 1, Empty: true})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a
}

func mustImport(t *testing.T, a *Account, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := a.Import([]ServerSpec{spec1(n)}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestJournalTornTail checks a change cut off by a crash mid-write is
// dropped (it was never answered), the ones before it are kept, and new
// changes are appended after them, not after the torn bytes.
func TestJournalTornTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	a := mustNew(t, path)
	mustImport(t, a, "a", "b")
	base := crashCopy(t, path)
	a.Close()

	whole := changesIn(t, base+".journal")
	torn := appendChangeLine(nil, &change{Seq: 3, NextID: 99999, Put: []*record{{ID: 99998, Name: "torn", PlanID: 1, OSID: 5, Phase: phaseStop}}})
	for _, tail := range [][]byte{torn[:len(torn)/2], torn[:len(torn)-1], append(torn[:20:20], make([]byte, 100)...)} {
		crashed := crashCopy(t, base)
		if err := os.WriteFile(crashed+".journal", append(append([]byte(nil), whole...), tail...), 0o600); err != nil {
			t.Fatal(err)
		}
		b := mustNew(t, crashed)
		if got := names(b); got != "a b" {
			t.Errorf("after a torn change: servers %q, want \"a b\"", got)
		}
		mustImport(t, b, "c")
		again := crashCopy(t, crashed)
		b.Close()
		c := mustNew(t, again)
		if got := names(c); got != "a b c" {
			t.Errorf("a change made after recovering from a torn one: servers %q, want \"a b c\"", got)
		}
		c.Close()
	}
}

// TestJournalAfterSnapshot checks changes the snapshot already holds are
// skipped (a crash between writing a snapshot and emptying the journal),
// and those after it applied.
func TestJournalAfterSnapshot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	a := mustNew(t, path)
	defer a.Close()
	mustImport(t, a, "a", "b")
	oldJournal := changesIn(t, path+".journal")
	if _, err := a.Import([]ServerSpec{spec1("c")}); err != nil {
		t.Fatal(err)
	}
	a.mu.Lock()
	a.removeLocked(a.byID[a.servers[0].ID]) // delete "a", as a request would
	a.commitLocked(nil, []int64{12345})
	if err := a.unlockWait(); err != nil {
		t.Fatal(err)
	}
	if err := a.flush(); err != nil { // snapshot: b c, seq 4; journal emptied
		t.Fatal(err)
	}
	mustImport(t, a, "d") // seq 5, in the new journal
	newJournal := changesIn(t, path+".journal")
	snapshot := crashCopy(t, path)
	// The journal as it was before the flush emptied it, then change 5.
	if err := os.WriteFile(snapshot+".journal", append(oldJournal, newJournal...), 0o600); err != nil {
		t.Fatal(err)
	}
	b := mustNew(t, snapshot)
	defer b.Close()
	if got := names(b); got != "b c d" {
		t.Errorf("servers %q, want \"b c d\": changes 1 and 2 are in the snapshot, 5 is not", got)
	}
}

// TestJournalRefused checks journals that are not a torn write are
// refused, naming the journal, and left as they are.
func TestJournalRefused(t *testing.T) {
	tests := []struct {
		name    string
		journal []byte
		want    string
	}{
		{"gap", appendChangeLine(nil, &change{Seq: 7, NextID: 12345}), "changes between them are missing"},
		{"unknown field", appendFramed(nil, []byte(`{"seq":1,"colour":"red"}`)), "not a journal entry"},
		{"bad record", appendChangeLine(nil, &change{Seq: 1, NextID: 12345, Put: []*record{{ID: 5, PlanID: 99, OSID: 5, Phase: phaseStop}}}), "unknown plan_id 99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			mustNew(t, path).Close()
			if err := os.WriteFile(path+".journal", tt.journal, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := New(Options{StatePath: path})
			if err == nil || !strings.Contains(err.Error(), path+".journal") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New: %v, want an error naming the journal and saying %q", err, tt.want)
			}
			if data, _ := os.ReadFile(path + ".journal"); string(data) != string(tt.journal) {
				t.Error("the refused journal was modified")
			}
		})
	}
}

// TestOrphanJournal checks a journal whose snapshot was removed (someone
// deleted the state file to start afresh) is not replayed into the new
// account.
func TestOrphanJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	a := mustNew(t, path)
	mustImport(t, a, "old")
	crashed := crashCopy(t, path)
	a.Close()
	if err := os.Remove(crashed); err != nil {
		t.Fatal(err)
	}
	b := mustNew(t, crashed)
	defer b.Close()
	if got := names(b); got != "" {
		t.Errorf("new account holds %q from the removed one's journal", got)
	}
}
