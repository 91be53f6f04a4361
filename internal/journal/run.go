package journal

import (
	"time"

	"github.com/vpsfleet/vpsfleet/internal/runinfo"
)

// FormatVersion is the version of the Document's JSON.
const FormatVersion = "1"

// OutcomePending is a server's outcome from Start until Finish says
// otherwise: in a run that never finished, it was planned but what
// happened to it is unknown.
const OutcomePending = "pending"

// The states of a listed run.
const (
	StateFinished   = "finished"   // Finish recorded its end
	StateRunning    = "running"    // not finished, its session is alive
	StateUnfinished = "unfinished" // not finished, its session is gone: killed, crashed or cut off
)

// Run is one apply or destroy. Its JSON is described in the package
// documentation.
type Run struct {
	// ID is the journal's id of the run, set by Start, Record and List.
	ID int64 `json:"id"`
	// Scope is the lock scope (the endpoint URL or -lock-scope).
	Scope string `json:"scope"`
	// Operation is the command that made the run: "apply", "destroy",
	// "reboot", or a changing server command ("server delete", ...).
	Operation string `json:"operation"`
	// Process says who ran it, where, and with which command line.
	runinfo.Process
	// StartedAt is when the run began; zero means the database's now.
	StartedAt time.Time `json:"started_at"`
	// FinishedAt is when it ended; nil until Finish.
	FinishedAt *time.Time `json:"finished_at"`
	// State is set by List: StateFinished, StateRunning or StateUnfinished.
	State string `json:"state"`
	// FleetHash identifies the fleet files applied (the caller's hash,
	// for example "sha256:..."), or a saved plan's.
	FleetHash string `json:"fleet_hash"`
	// Plan counts the plan's changes by action word ("create": 2, ...).
	Plan map[string]int `json:"plan"`
	// ExitStatus is the process's exit status; nil until Finish.
	ExitStatus *int `json:"exit_status"`
	// Error is why the run failed, if it did, without secrets.
	Error string `json:"error"`
	// Servers are the servers the run touched, in the order given.
	Servers []Server `json:"servers"`
}

// Server is what a run did to one server.
type Server struct {
	// Name is the server's name (its name after the run, for a rename).
	Name string `json:"name"`
	// ID is the live server's id, 0 when there was none.
	ID int64 `json:"id"`
	// Actions are the plan's action words for the server.
	Actions []string `json:"actions"`
	// Outcome is the executor's word ("done", "failed", "not started",
	// "interrupted"), or OutcomePending.
	Outcome string `json:"outcome"`
	// Error is why the server failed, without secrets.
	Error string `json:"error"`
}

// Finish is how a run ended.
type Finish struct {
	// FinishedAt is when it ended; zero means the database's now.
	FinishedAt time.Time
	// ExitStatus is the process's exit status.
	ExitStatus int
	// Error is why the run failed, if it did.
	Error string
	// Servers are the outcomes per server: they replace the rows of the
	// same names, and names Start did not have are added.
	Servers []Server
}

// Document is the JSON of `vpsfleet runs -json`.
type Document struct {
	FormatVersion string `json:"format_version"`
	Runs          []Run  `json:"runs"`
}

// NewDocument is the Document of runs (never a null list).
func NewDocument(runs []Run) Document {
	if runs == nil {
		runs = []Run{}
	}
	return Document{FormatVersion: FormatVersion, Runs: runs}
}
