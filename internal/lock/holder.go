package lock

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vpsfleet/vpsfleet/internal/runinfo"
)

// Holder is a run that holds a lock, as it described itself when it took
// it. It serialises to the runinfo.Process fields plus since.
type Holder struct {
	runinfo.Process
	// Since is when the holder took the lock (the database's clock for
	// Postgres, the holder's for Local).
	Since time.Time `json:"since"`
}

// Held is one name that another run holds.
type Held struct {
	// Name is the name that was asked for.
	Name string `json:"name"`
	// HeldAs is the name the holder locked when it differs from Name: the
	// two share a lock key (see Key), so one waits for the other.
	HeldAs string `json:"held_as,omitempty"`
	// Holder is who holds it; nil when the lock is held by a session that
	// recorded no holder (another program, or a run in the instant
	// between taking its lock and recording itself).
	Holder *Holder `json:"holder"`
}

// Contention is what a run found held when it asked for its names.
type Contention struct {
	// Scope is the lock scope asked in.
	Scope string `json:"scope"`
	// Held lists each name asked for that another run holds, sorted by
	// name.
	Held []Held `json:"held"`
	// Waited is how long the run has waited so far; always 0 when it was
	// not allowed to wait (Wait.Timeout 0, TryLock).
	Waited time.Duration `json:"waited"`
	// WholeScope is true for a local lock, which guards the whole scope:
	// every name asked for is held by the scope's holder.
	WholeScope bool `json:"whole_scope,omitempty"`
}

// maxNamesPerHolder is how many names String lists for one holder before
// "and N more".
const maxNamesPerHolder = 5

// String says who holds what, in one line: the names grouped by holder,
// each holder with user, host, pid, command, since and CI run.
func (c Contention) String() string {
	var b strings.Builder
	if c.WholeScope {
		var h *Holder
		if len(c.Held) > 0 {
			h = c.Held[0].Holder
		}
		fmt.Fprintf(&b, "the local lock of scope %q is held by another run on this machine: %s", c.Scope, describeHolder(h))
		return b.String()
	}
	groups := groupByHolder(c.Held)
	if len(c.Held) == 1 {
		fmt.Fprintf(&b, "in scope %q, %s is held by %s", c.Scope, groups[0].names[0], describeHolder(groups[0].holder))
		return b.String()
	}
	others := "other runs"
	if len(groups) == 1 {
		others = "another run"
	}
	fmt.Fprintf(&b, "in scope %q, %d names are held by %s: ", c.Scope, len(c.Held), others)
	for i, g := range groups {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(listNames(g.names))
		b.WriteString(" by ")
		b.WriteString(describeHolder(g.holder))
	}
	return b.String()
}

type holderGroup struct {
	holder *Holder
	names  []string
}

// groupByHolder groups held names by holder, in the order of each
// holder's first name.
func groupByHolder(held []Held) []holderGroup {
	var groups []holderGroup
	index := map[string]int{}
	for _, h := range held {
		id := holderID(h.Holder)
		i, ok := index[id]
		if !ok {
			i = len(groups)
			index[id] = i
			groups = append(groups, holderGroup{holder: h.Holder})
		}
		name := h.Name
		if h.HeldAs != "" {
			name += " (held as " + h.HeldAs + ")"
		}
		groups[i].names = append(groups[i].names, name)
	}
	return groups
}

func holderID(h *Holder) string {
	if h == nil {
		return ""
	}
	return fmt.Sprintf("%s\x00%s\x00%d\x00%s\x00%s", h.User, h.Host, h.PID, h.Command, h.CIRunID)
}

func listNames(names []string) string {
	if len(names) <= maxNamesPerHolder {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:maxNamesPerHolder], ", ") + fmt.Sprintf(" and %d more", len(names)-maxNamesPerHolder)
}

// describeHolder is "alice@laptop pid 4242 (`vpsfleet apply`, since
// 2026-12-01 10:04:05 UTC, CI run GITHUB_RUN_ID=7 https://...)".
func describeHolder(h *Holder) string {
	if h == nil {
		return "a session that left no record of itself (another program, or a run that is just starting)"
	}
	parts := []string{"`" + h.Command + "`"}
	if !h.Since.IsZero() {
		parts = append(parts, "since "+h.Since.UTC().Format("2006-01-02 15:04:05 MST"))
	}
	if h.CIRunID != "" {
		ci := "CI run " + h.CIRunID
		if h.CIRunURL != "" {
			ci += " " + h.CIRunURL
		}
		parts = append(parts, ci)
	}
	return h.Process.String() + " (" + strings.Join(parts, ", ") + ")"
}

// HeldError is Lock's and TryLock's error when another run holds some of
// the names: it says who holds which, and what to do.
type HeldError struct {
	Contention
	// NotWaited is true when Lock did not wait because this run already
	// held locks (waiting then could deadlock).
	NotWaited bool
}

// Error is the contention in one line, then what to do.
func (e *HeldError) Error() string {
	var b strings.Builder
	b.WriteString("locked: ")
	b.WriteString(e.Contention.String())
	switch {
	case e.NotWaited:
		b.WriteString(". This run already holds other locks, so it did not wait for these (waiting could deadlock); nothing was changed: run again when that run has finished")
	case e.Waited > 0:
		fmt.Fprintf(&b, ". Waited %s; nothing was changed: run again when that run has finished, or wait longer with a larger -lock-timeout", e.Waited.Round(time.Millisecond))
	default:
		b.WriteString(". Nothing was changed: run again when that run has finished, or wait for it with -lock-timeout (for example -lock-timeout 10m)")
	}
	return b.String()
}

// sortHeld sorts held names by name.
func sortHeld(h []Held) {
	slices.SortFunc(h, func(a, b Held) int { return strings.Compare(a.Name, b.Name) })
}
