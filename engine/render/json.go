package render

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/internal/words"
)

// PlanFormatVersion is the format_version of the -json plan document
// (docs/FORMATS.md, docs/plan.schema.json). Version 2 spells a
// replacement as its delete and create, so that every change that deletes
// a server carries "delete", and names the unmanaged servers.
const PlanFormatVersion = "2"

// planDocument is the -json plan document: a view of engine.Plan, not its
// encoding (which saved plan files store, and which keeps the model's own
// actions).
type planDocument struct {
	FormatVersion string           `json:"format_version"`
	Changes       []changeDocument `json:"changes"`
	// Summary counts changes by the model's actions: a replacement counts
	// once, under "replace", not under "delete" or "create".
	Summary   engine.Summary      `json:"summary"`
	Unmanaged []unmanagedDocument `json:"unmanaged"`
	Warnings  []string            `json:"warnings"`
	// Targets are the -target globs the plan was limited to; empty when it
	// covers the whole fleet.
	Targets []string `json:"targets"`
	// Groups are the server blocks that order the changes, in dependency
	// order.
	Groups []groupDocument `json:"groups"`
}

// groupDocument is one server block that orders the changes.
type groupDocument struct {
	Label     string   `json:"label"`
	DependsOn []string `json:"depends_on"`
	Servers   int      `json:"servers"`
	// Down counts its servers meant to be on that were not running when
	// the plan was made.
	Down     int                 `json:"down"`
	Settling []unmanagedDocument `json:"settling"`
	Rollout  *rolloutDocument    `json:"rollout"`
}

// rolloutDocument is a group's rollout; durations are in seconds.
type rolloutDocument struct {
	MaxUnavailable        int                  `json:"max_unavailable"`
	MaxUnavailableWritten string               `json:"max_unavailable_written"`
	Pause                 float64              `json:"pause"`
	MaxFailures           int                  `json:"max_failures"`
	HealthCheck           *healthCheckDocument `json:"health_check"`
	Changes               int                  `json:"changes"`
	Batches               int                  `json:"batches"`
	BatchSize             int                  `json:"batch_size"`
}

// healthCheckDocument is a rollout's health check; durations in seconds.
type healthCheckDocument struct {
	Command  []string `json:"command"`
	Timeout  float64  `json:"timeout"`
	Interval float64  `json:"interval"`
	Retries  int      `json:"retries"`
	Dir      string   `json:"dir"`
}

// unmanagedDocument is one unmanaged server of the -json plan document.
type unmanagedDocument struct {
	Name string `json:"name"`
	ID   int64  `json:"id"`
	// NamedLike is the declared server whose name has this one's shape
	// (its block was most likely removed); left out when there is none.
	NamedLike string `json:"named_like,omitempty"`
}

// changeDocument is one change of the -json plan document.
type changeDocument struct {
	Name    string              `json:"name"`
	Actions []string            `json:"actions"`
	Before  *engine.ServerState `json:"before"`
	After   *engine.ServerState `json:"after"`
	Reason  string              `json:"reason"`
	// ForcedBy names the attributes whose differences force a replacement;
	// empty for every other change.
	ForcedBy            []string `json:"forced_by"`
	CreateBeforeDestroy bool     `json:"create_before_destroy"`
	// Replacement is the server an unfinished create_before_destroy
	// replacement left under a temporary name, which becomes the new
	// server; null otherwise.
	Replacement *engine.ServerState `json:"replacement"`
	// Group is the label of the server block of the server; null when
	// none declares it.
	Group *string `json:"group"`
	// Batch is the change's batch in its group's rollout; null when no
	// rollout governs it.
	Batch *int `json:"batch"`
	// WaitsFor are the groups whose changes end before this one begins.
	WaitsFor []string `json:"waits_for"`
}

// JSON writes the -json plan document of format PlanFormatVersion, indented
// two spaces, with a trailing newline. It is a view of p: every change
// that deletes a server lists "delete" among its actions (a replacement is
// ["delete", "create"], or ["create", "delete"] with
// create_before_destroy, in the order they happen), and the unmanaged
// servers are listed by name and id (with the declared server each one
// is named like, when there is one). Each change names its group, its
// rollout batch and the groups it waits for, and groups lists the server
// blocks that order the changes (their rollouts, resolved, with the
// batches planned). Any plan the model can hold renders,
// whatever vpsfleet saved it: when p counts unmanaged servers it does not
// name (a plan file written before they were recorded), a warning says so.
// Arrays are never null; a nil p renders as an empty plan. It returns the
// first write error.
func JSON(w io.Writer, p *engine.Plan) error {
	data, err := json.MarshalIndent(newPlanDocument(p), "", "  ")
	if err != nil {
		return fmt.Errorf("render plan as JSON: %w", err)
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// newPlanDocument makes the -json view of p.
func newPlanDocument(p *engine.Plan) planDocument {
	if p == nil {
		p = engine.NewPlan()
	}
	doc := planDocument{
		FormatVersion: PlanFormatVersion,
		Changes:       make([]changeDocument, 0, len(p.Changes)),
		Summary:       p.Summary,
		Unmanaged:     make([]unmanagedDocument, 0, len(p.UnmanagedServers)),
		Warnings:      append([]string{}, p.Warnings...),
		Targets:       append([]string{}, p.Targets...),
		Groups:        make([]groupDocument, 0, len(p.Groups)),
	}
	for _, g := range p.Groups {
		doc.Groups = append(doc.Groups, newGroupDocument(g))
	}
	for _, u := range p.UnmanagedServers {
		doc.Unmanaged = append(doc.Unmanaged, unmanagedDocument{Name: u.Name, ID: u.ID, NamedLike: u.NamedLike})
	}
	for _, c := range p.Changes {
		forced := make([]string, len(c.ForcedBy))
		for i, a := range c.ForcedBy {
			forced[i] = string(a)
		}
		doc.Changes = append(doc.Changes, changeDocument{
			Name:                c.Name,
			Actions:             DocumentActions(c),
			Before:              c.Before,
			After:               c.After,
			Reason:              c.Reason,
			ForcedBy:            forced,
			CreateBeforeDestroy: c.CreateBeforeDestroy,
			Replacement:         c.Replacement,
			Group:               orNull(c.Group),
			Batch:               positiveOrNull(c.Batch),
			WaitsFor:            append([]string{}, c.WaitsFor...),
		})
	}
	if unnamed := p.Unmanaged - len(p.UnmanagedServers); unnamed > 0 {
		doc.Warnings = append(doc.Warnings, unnamedUnmanaged(unnamed))
	}
	return doc
}

// newGroupDocument is the -json view of a group.
func newGroupDocument(g engine.Group) groupDocument {
	doc := groupDocument{Label: g.Label, DependsOn: append([]string{}, g.DependsOn...), Servers: g.Servers, Down: g.Down,
		Settling: make([]unmanagedDocument, 0, len(g.Settling))}
	for _, s := range g.Settling {
		doc.Settling = append(doc.Settling, unmanagedDocument{Name: s.Name, ID: s.ID})
	}
	if r := g.Rollout; r != nil {
		doc.Rollout = &rolloutDocument{
			MaxUnavailable: r.MaxUnavailable, MaxUnavailableWritten: r.Written, Pause: r.Pause.Seconds(), MaxFailures: r.MaxFailures,
			Changes: r.Changes, Batches: r.Batches, BatchSize: r.BatchSize,
		}
		if hc := r.HealthCheck; hc != nil {
			doc.Rollout.HealthCheck = &healthCheckDocument{Command: append([]string{}, hc.Command...), Timeout: hc.Timeout.Seconds(),
				Interval: hc.Interval.Seconds(), Retries: hc.Retries, Dir: hc.Dir}
		}
	}
	return doc
}

// orNull is s, or nil when it is empty.
func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// positiveOrNull is n, or nil when it is not positive.
func positiveOrNull(n int) *int {
	if n <= 0 {
		return nil
	}
	return &n
}

// unnamedUnmanaged is the warning of a plan that counts unmanaged servers
// it cannot name.
func unnamedUnmanaged(n int) string {
	return fmt.Sprintf("%s not managed by this fleet %s not named: the plan was saved by a vpsfleet that only counted them; make the plan again to list them",
		words.Count(n, "server"), words.IsAre(n))
}

// DocumentActions are the action words of c in the machine-readable
// documents (the -json plan and the apply event stream): the model's
// actions in order, with a replace spelled as the two steps it takes,
// ["delete", "create"], or ["create", "delete"] when the change is
// create_before_destroy. A change that deletes a server therefore always
// lists "delete"; rename, update, start and stop are kept as they are.
func DocumentActions(c engine.Change) []string {
	out := make([]string, 0, len(c.Actions)+1)
	for _, a := range c.Actions {
		switch {
		case a != engine.ActionReplace:
			out = append(out, string(a))
		case c.CreateBeforeDestroy:
			out = append(out, string(engine.ActionCreate), string(engine.ActionDelete))
		default:
			out = append(out, string(engine.ActionDelete), string(engine.ActionCreate))
		}
	}
	return out
}
