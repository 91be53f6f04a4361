// Package schema reads fleet files (HCL) into a typed, validated Fleet.
//
// It knows HCL and the fleet language, nothing of HTTP or of the live
// account. Every problem is an hcl.Diagnostic with a source range; a load
// reports all of them in one run and never panics.
//
// # Limits
//
// So that no input can crash, hang or exhaust the machine, Load and Format
// refuse, each with an error diagnostic at the place concerned:
//
//   - anything but a regular file, and files over 8 MiB (a FIFO named
//     x.hcl is refused without being opened for a blocking read);
//   - source nested more than 256 levels deep: blocks, brackets, braces,
//     parentheses, templates and template directives, chains of unary
//     operators and conditionals, the depth of the syntax tree (a + b + c
//     ... counts one level per operator), and the depth of values;
//   - number literals longer than 1,000 characters, strings of more than
//     1,000 digits read as numbers, and numbers beyond about 1e±1200;
//   - an evaluation of an expression that produces more than 250,000
//     values, and a Load whose evaluations produce more than 10,000,000:
//     each for-expression or splat iteration, each element a function
//     builds (setproduct, range, format widths, indent, join, replace,
//     split and regexall are refused before they build it) and each 16
//     bytes of string a template builds count one; each element a
//     function, operator, conditional, template or the result hands on
//     counts an eighth; distinct counts its comparisons;
//   - chains of more than 256 local values evaluated one inside another.
//
// Variable files, -var values and VPSFLEET_VAR_ values are read under the
// same limits. Every limit is far above what a real fleet needs.
package schema

import "github.com/hashicorp/hcl/v2"

// Power is the power state a server should be kept in.
type Power string

// The two power states a fleet file may ask for.
const (
	PowerOn  Power = "on"
	PowerOff Power = "off"
)

// Fleet is the desired state described by one directory of fleet files.
type Fleet struct {
	// Owns holds the glob patterns of fleet.owns: live servers whose names
	// match one of them are managed, and deleted when not declared.
	Owns GlobSet
	// Protect holds the glob patterns of fleet.protect: matching servers are
	// never deleted or replaced.
	Protect GlobSet
	// Servers are the desired servers, expanded (count/for_each) and sorted
	// by name. Names are unique.
	Servers []DesiredServer
	// Moves are the moved blocks, in source order.
	Moves []Move
	// Files are the parsed files by name, for rendering diagnostics with
	// source snippets.
	Files map[string]*hcl.File
	// Hash is a hex SHA-256 of the fleet's decoded content (servers, owns,
	// protect, moves): two fleets with the same Hash plan identically.
	Hash string
}

// DesiredServer is one server as the fleet files describe it, after
// defaults, variables and expansion.
type DesiredServer struct {
	Name string
	// Group is the label of the server block that declares the server:
	// its name for a single server, the group's name with count or
	// for_each.
	Group    string
	PlanID   int64
	OSID     int64
	Location string
	// Hostname is "" when the fleet does not set it; an unset hostname is
	// not managed (never diffed).
	Hostname string
	// SSHKeyID is used on creation only; nil when not set.
	SSHKeyID       *int64
	BackupsEnabled bool
	Power          Power
	Lifecycle      Lifecycle
	// Range is the declaring server block's header range (for diagnostics).
	Range hcl.Range
	// AttrRanges maps attribute names ("plan_id", "hostname", ...) to the
	// range of the expression that set them, when a fleet file set them.
	AttrRanges map[Attribute]hcl.Range
}

// Lifecycle is a server's lifecycle block.
type Lifecycle struct {
	PreventDestroy      bool
	CreateBeforeDestroy bool
	// IgnoreChanges names attributes (hostname, backups_enabled, plan_id,
	// os_id, location, power) whose differences are not acted on.
	IgnoreChanges []Attribute
}

// Ignores reports whether the lifecycle ignores changes to attr.
func (l Lifecycle) Ignores(attr Attribute) bool {
	for _, a := range l.IgnoreChanges {
		if a == attr {
			return true
		}
	}
	return false
}

// Move is a moved block: the live server named From is renamed to To.
type Move struct {
	From  string
	To    string
	Range hcl.Range
}
