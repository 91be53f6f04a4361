package engine

import (
	"strconv"
	"strings"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

// Group is one server block as the plan orders its changes: what the
// executor needs to run them in dependency order and in safe batches,
// and what the views show of that order. It is plain data, recorded
// when the plan is made.
type Group struct {
	// Label is the server block's label (the group's name).
	Label string `json:"label"`
	// DependsOn are the labels of the groups whose servers must be active
	// before a server of this group is created or started; deletes run
	// the other way round.
	DependsOn []string `json:"depends_on,omitempty"`
	// Servers counts the servers the block declares (the whole group,
	// whatever -target selects): max_unavailable is a share of it.
	Servers int `json:"servers"`
	// Down counts the group's servers meant to be on that were not
	// running when the plan read the account: not made yet, stopped, on
	// their way somewhere, suspended. Each counts against max_unavailable
	// until it is back (a change that brings it back ends done, or a
	// settling server becomes active and healthy).
	Down int `json:"down,omitempty"`
	// Settling are servers of the group that no change touches and that
	// were on their way to active (provisioning, starting, rebooting),
	// recorded when something waits for the group: the executor waits
	// for them as dependants and the rollout would for a change.
	Settling []ServerRef `json:"settling,omitempty"`
	// Rollout paces the group's changes that take a running server down;
	// nil when the block has no rollout block.
	Rollout *Rollout `json:"rollout,omitempty"`
}

// ServerRef names a live server.
type ServerRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Rollout is a group's rollout block as the plan resolved it for the
// group's size, with the batches it planned.
type Rollout struct {
	// MaxUnavailable is how many servers of the group may be unavailable
	// at once, resolved for the group's size (at least 1).
	MaxUnavailable int `json:"max_unavailable"`
	// Written is max_unavailable as the fleet wrote it: "2" or "10%".
	Written string `json:"written"`
	// Pause is waited after each batch but the last.
	Pause time.Duration `json:"pause,omitempty"`
	// MaxFailures is how many of the group's servers may fail before no
	// new batch starts.
	MaxFailures int `json:"max_failures,omitempty"`
	// HealthCheck decides when a server the group brings up is healthy;
	// nil when there is none (active is healthy).
	HealthCheck *HealthCheck `json:"health_check,omitempty"`
	// Changes counts the changes the rollout governs (those with a
	// Batch); Batches is how many batches they are planned in, BatchSize
	// the most changes in one.
	Changes   int `json:"changes"`
	Batches   int `json:"batches"`
	BatchSize int `json:"batch_size"`
}

// HealthCheck is a rollout's health_check: a command run on this machine
// with the server's facts in its environment; exit status 0 is healthy.
type HealthCheck struct {
	// Command is the program and its arguments; never empty.
	Command []string `json:"command"`
	// Timeout bounds one run; Interval is waited between runs; a failing
	// check runs at most Retries+1 times.
	Timeout  time.Duration `json:"timeout"`
	Interval time.Duration `json:"interval"`
	Retries  int           `json:"retries"`
	// Dir is the directory the command runs in: that of the fleet file
	// that declares the health_check block ("" for the working
	// directory).
	Dir string `json:"dir,omitempty"`
}

// CommandLine writes the check's command as a shell would read it,
// quoting the words that need it: ./check.sh --port 8080, sh -c "exit 1".
func (h HealthCheck) CommandLine() string {
	words := make([]string, len(h.Command))
	for i, w := range h.Command {
		if w == "" || strings.ContainsAny(w, " \t\n\"'\\$`|&;<>()*?[]#~") {
			w = strconv.Quote(w)
		}
		words[i] = w
	}
	return strings.Join(words, " ")
}

// Group returns the plan's group labelled label, or nil.
func (p *Plan) Group(label string) *Group {
	if p == nil || label == "" {
		return nil
	}
	for i := range p.Groups {
		if p.Groups[i].Label == label {
			return &p.Groups[i]
		}
	}
	return nil
}

// BringsUp reports whether the change creates or starts a server
// (create, replace, start, reboot): it begins only once every server of
// the groups its group depends on is active.
func (c Change) BringsUp() bool {
	return c.Has(ActionCreate) || c.Has(ActionReplace) || c.Has(ActionStart) || c.Has(ActionReboot)
}

// MeantOn reports whether the change leaves its server running.
func (c Change) MeantOn() bool {
	return c.After != nil && c.After.Power == schema.PowerOn
}

// TakesDown reports whether the change takes a running server down for a
// while: a replace, stop or reboot of a server that was active when the
// plan read it. A group's rollout governs exactly these changes.
func (c Change) TakesDown() bool {
	return c.Before != nil && c.Before.Status == api.StatusActive &&
		(c.Has(ActionReplace) || c.Has(ActionStop) || c.Has(ActionReboot))
}

// Recovers reports whether the change's server was down, and meant to
// be on, when the plan read it (not made yet, stopped, on its way
// somewhere, suspended): it counts against its group's max_unavailable
// until the change ends done.
func (c Change) Recovers() bool {
	return c.MeantOn() && (c.Before == nil || c.Before.Status != api.StatusActive)
}
