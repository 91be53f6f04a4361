// Package engine is the model and the planner: it matches a schema.Fleet
// with the live account (Match), reads what a plan needs (ReadLive), and
// turns both into a Plan (BuildPlan, BuildDestroyPlan).
//
// The plan is plain data: the views (engine/render), the executor
// (engine/apply) and saved plans (engine/planfile) read the same value.
// Its JSON encoding is the model that plan files store; the -json
// document people and pipelines read is a view of it (render.JSON).
package engine

import (
	"context"
	"strconv"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

// FormatVersion is the version of the plan model's own JSON encoding, as
// saved plan files store it. The -json document has a version of its own
// (render.PlanFormatVersion).
const FormatVersion = "1"

// ServerState is the managed view of one server: what the plan compares
// and what it will make. Before states come from the live account, after
// states from the fleet.
type ServerState struct {
	// ID is the live server's id; 0 in after states of servers to create.
	ID       int64  `json:"id,omitempty"`
	Name     string `json:"name"`
	PlanID   int64  `json:"plan_id"`
	OSID     int64  `json:"os_id"`
	Location string `json:"location"`
	// Hostname is "" when unset (after) or empty (before).
	Hostname string `json:"hostname,omitempty"`
	// SSHKeyID is only in after states, used on creation.
	SSHKeyID       *int64 `json:"ssh_key_id,omitempty"`
	BackupsEnabled bool   `json:"backups_enabled"`
	// Power is "on" or "off".
	Power schema.Power `json:"power"`
	// Status is the live status, in before states only.
	Status api.Status `json:"status,omitempty"`
}

// Change is everything the plan will do to one server.
type Change struct {
	// Name is the server's name once the change is applied (the live name
	// for a delete).
	Name    string   `json:"name"`
	Actions []Action `json:"actions"`
	// Before is nil for a create; After is nil for a delete.
	Before *ServerState `json:"before"`
	After  *ServerState `json:"after"`
	// Reason explains the change to people; it is never used for decisions.
	Reason string `json:"reason"`
	// ForcedBy lists the attributes whose differences force a replace, in
	// display order; empty for every other change. It is data for the
	// views (the -json document calls it forced_by); the model's own
	// encoding leaves it out.
	ForcedBy []schema.Attribute `json:"-"`
	// CreateBeforeDestroy makes a replace create the new server under a
	// temporary name first.
	CreateBeforeDestroy bool `json:"create_before_destroy,omitempty"`
	// Replacement, on a create_before_destroy replace, is the live server
	// an earlier replacement left under a temporary name, which becomes
	// the new server instead of creating one; nil otherwise.
	Replacement *ServerState `json:"replacement,omitempty"`
	// Group is the label of the server block that declares the server
	// (for a delete of a server no block declares: the count or for_each
	// group it is named like, if any); "" when there is none.
	Group string `json:"group,omitempty"`
	// Batch is the change's batch in its group's rollout, from 1: the
	// changes that take a running server of a group with a rollout block
	// down (replace, stop, reboot) run batch after batch. 0 when no
	// rollout governs the change.
	Batch int `json:"batch,omitempty"`
	// WaitsFor are the labels of the groups whose changes in this plan
	// must end before this one begins: for a change that creates or
	// starts a server, its group's depends_on (and settling servers of
	// those groups must be active); for a delete, the groups that depend
	// on its group and have deletes in the plan (dependants go first).
	// Empty when the change waits for no group.
	WaitsFor []string `json:"waits_for,omitempty"`
}

// Has reports whether the change carries action a.
func (c Change) Has(a Action) bool {
	for _, x := range c.Actions {
		if x == a {
			return true
		}
	}
	return false
}

// LiveID is the id of the live server the change acts on, 0 for a
// create.
func (c Change) LiveID() int64 {
	if c.Before != nil {
		return c.Before.ID
	}
	return 0
}

// Subject names the change's server for people: its name, with the live
// id when there is one ("web-01 (id 12345)").
func (c Change) Subject() string {
	if c.Before != nil && c.Before.ID != 0 {
		return c.Name + " (id " + strconv.FormatInt(c.Before.ID, 10) + ")"
	}
	return c.Name
}

// Summary counts changes by action.
type Summary struct {
	Create  int `json:"create"`
	Update  int `json:"update"`
	Replace int `json:"replace"`
	Delete  int `json:"delete"`
	Start   int `json:"start"`
	Stop    int `json:"stop"`
	Rename  int `json:"rename"`
	// Reboot counts the reboots of vpsfleet reboot; left out when none.
	Reboot int `json:"reboot,omitempty"`
}

// Plan is the complete, ordered set of changes that brings the live
// account to the fleet. It serialises to the model saved plan files hold;
// render.JSON makes the -json document from it.
type Plan struct {
	FormatVersion string   `json:"format_version"`
	Changes       []Change `json:"changes"`
	Summary       Summary  `json:"summary"`
	// Unmanaged counts live servers that no owns pattern matches and no
	// server block declares.
	Unmanaged int      `json:"unmanaged"`
	Warnings  []string `json:"warnings"`
	// Targets are the -target globs the plan was limited to; empty when
	// it covers the whole fleet.
	Targets []string `json:"targets,omitempty"`
	// UnmanagedServers are the servers Unmanaged counts, sorted by name
	// then id (left out of the model's encoding when there are none). A
	// plan saved before they were recorded has none while Unmanaged may be
	// positive: the -json view then says so.
	UnmanagedServers []UnmanagedServer `json:"unmanaged_servers,omitempty"`
	// Groups are the server blocks that order the plan's changes (those
	// with a rollout block, a depends_on, or dependants), in dependency
	// order: a group comes after every group it depends on. Empty when no
	// block orders anything; left out of the model's encoding then.
	Groups []Group `json:"groups,omitempty"`
}

// UnmanagedServer is a live server that no server block declares and no
// fleet.owns pattern matches: the plan leaves it as it is.
type UnmanagedServer struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// NamedLike is a declared server whose name has this one's shape
	// (engine.SameShape: db-01 for db-02), "" when none has: a sign that
	// its block was removed while no owns pattern covers it.
	NamedLike string `json:"named_like,omitempty"`
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool { return len(p.Changes) == 0 }

// Account is what the engine needs of the VPS.org API. *api.Client
// implements it; every method follows that client's contract.
type Account interface {
	ListServers(ctx context.Context, opts api.ListOptions) ([]api.Server, error)
	GetServer(ctx context.Context, id int64) (*api.Server, error)
	CreateServer(ctx context.Context, req api.CreateRequest) (*api.Server, error)
	UpdateServer(ctx context.Context, id int64, req api.UpdateRequest) (*api.Server, error)
	DeleteServer(ctx context.Context, id int64) error
	StartServer(ctx context.Context, id int64) (*api.ActionResult, error)
	StopServer(ctx context.Context, id int64) (*api.ActionResult, error)
	RebootServer(ctx context.Context, id int64) (*api.ActionResult, error)
}
