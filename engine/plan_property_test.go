package engine

import (
	"fmt"
	"slices"
	"testing"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
	"pgregory.net/rapid"
)

// TestPlanConverges checks the planner's central promise: for any fleet
// and any account, applying the plan's changes (to an in-memory copy of
// the account) leaves nothing for the next plan to do, except for
// suspended servers, where apply fails and the change stays.
func TestPlanConverges(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		fleet := genFleet(t)
		live := genLive(t)
		var opts PlanOptions
		if rapid.Bool().Draw(t, "targeted") {
			opts.Targets = rapid.SliceOfN(rapid.SampledFrom([]string{"s1", "s[0-2]", "old-*", "x*", "none"}), 1, 2).Draw(t, "targets")
		}
		p, diags := BuildPlan(fleet, live, opts)
		if diags.HasErrors() {
			return // refused plans change nothing; covered by TestBuildPlan
		}
		after := applyInMemory(t, live, p)
		next, diags := BuildPlan(fleet, after, opts)
		if diags.HasErrors() {
			t.Fatalf("plan after apply has errors: %v", diags)
		}
		suspended := map[string]bool{}
		for _, s := range after {
			if s.Status == api.StatusSuspended {
				suspended[s.Name] = true
			}
		}
		for _, c := range next.Changes {
			if c.Before == nil || !suspended[c.Before.Name] {
				t.Fatalf("plan after apply still has %s %v (%s)\nfirst plan: %+v", c.Name, c.Actions, c.Reason, p.Changes)
			}
		}
		if next.Unmanaged != p.Unmanaged {
			t.Fatalf("unmanaged %d → %d", p.Unmanaged, next.Unmanaged)
		}
	})
}

// genFleet draws a valid fleet over a small name space so that matches,
// moves and owns collide often.
func genFleet(t *rapid.T) *schema.Fleet {
	f := &schema.Fleet{}
	names := rapid.SliceOfNDistinct(rapid.SampledFrom([]string{"s0", "s1", "s2", "s3", "s4"}), 0, 5, rapid.ID[string]).Draw(t, "names")
	slices.Sort(names)
	for _, n := range names {
		d := schema.DesiredServer{
			Name:           n,
			PlanID:         rapid.Int64Range(1, 2).Draw(t, n+".plan"),
			OSID:           rapid.SampledFrom([]int64{3, 5}).Draw(t, n+".os"),
			Location:       rapid.SampledFrom([]string{"us-west", "us-east"}).Draw(t, n+".location"),
			Hostname:       rapid.SampledFrom([]string{"", "a.example.com", "b.example.com"}).Draw(t, n+".hostname"),
			BackupsEnabled: rapid.Bool().Draw(t, n+".backups"),
			Power:          rapid.SampledFrom([]schema.Power{schema.PowerOn, schema.PowerOff, ""}).Draw(t, n+".power"),
		}
		d.Lifecycle.IgnoreChanges = rapid.SliceOfDistinct(rapid.SampledFrom(
			schema.IgnorableAttributes), rapid.ID[schema.Attribute]).Draw(t, n+".ignore")
		d.Lifecycle.PreventDestroy = rapid.IntRange(0, 9).Draw(t, n+".prevent") == 0
		f.Servers = append(f.Servers, d)
	}
	f.Owns = rapid.SliceOfDistinct(rapid.SampledFrom([]string{"s*", "old-*", "x[0-1]"}), rapid.ID[string]).Draw(t, "owns")
	if rapid.IntRange(0, 4).Draw(t, "protect") == 0 {
		f.Protect = []string{"x1"}
	}
	if len(names) > 0 {
		for i, from := range rapid.SliceOfNDistinct(rapid.SampledFrom([]string{"old-a", "old-b"}), 0, 2, rapid.ID[string]).Draw(t, "moves") {
			to := rapid.SampledFrom(names).Draw(t, fmt.Sprintf("move%d.to", i))
			f.Moves = append(f.Moves, schema.Move{From: from, To: to})
		}
	}
	return f
}

// genLive draws an account: servers with unique ids, any status, and
// names that sometimes repeat.
func genLive(t *rapid.T) []api.Server {
	n := rapid.IntRange(0, 7).Draw(t, "live")
	statuses := []api.Status{api.StatusActive, api.StatusStopped, api.StatusProvisioning, api.StatusStopping,
		api.StatusStarting, api.StatusRebooting, api.StatusSuspended}
	var live []api.Server
	for i := range n {
		k := fmt.Sprintf("live%d", i)
		b := rapid.Bool().Draw(t, k+".backups")
		s := api.Server{
			ID:             int64(100 + i),
			Name:           rapid.SampledFrom([]string{"s0", "s1", "s2", "s3", "s4", "old-a", "old-b", "x0", "x1", "y"}).Draw(t, k+".name"),
			Plan:           api.Plan{ID: rapid.Int64Range(1, 2).Draw(t, k+".plan")},
			OS:             api.OS{ID: rapid.SampledFrom([]int64{3, 5}).Draw(t, k+".os")},
			Location:       rapid.SampledFrom([]string{"us-west", "us-east"}).Draw(t, k+".location"),
			Hostname:       rapid.SampledFrom([]string{"", "a.example.com", "c.example.com"}).Draw(t, k+".hostname"),
			Status:         rapid.SampledFrom(statuses).Draw(t, k+".status"),
			BackupsEnabled: &b,
		}
		live = append(live, s)
	}
	return live
}

// applyInMemory does to a copy of live what apply would do with p: every
// change succeeds except on suspended servers, which accept no action.
func applyInMemory(t *rapid.T, live []api.Server, p *Plan) []api.Server {
	out := slices.Clone(live)
	nextID := int64(1000)
	index := func(id int64) int {
		return slices.IndexFunc(out, func(s api.Server) bool { return s.ID == id })
	}
	newServer := func(st *ServerState) api.Server {
		nextID++
		b := st.BackupsEnabled
		s := api.Server{ID: nextID, Name: st.Name, Plan: api.Plan{ID: st.PlanID}, OS: api.OS{ID: st.OSID},
			Location: st.Location, Hostname: st.Hostname, Status: api.StatusActive, BackupsEnabled: &b}
		return s
	}
	for _, c := range p.Changes {
		i := -1
		if c.Before != nil {
			if i = index(c.Before.ID); i < 0 {
				t.Fatalf("change %s acts on id %d, which is not live", c.Name, c.Before.ID)
			}
			if out[i].Status == api.StatusSuspended {
				continue
			}
		}
		for _, a := range c.Actions {
			switch a {
			case ActionCreate:
				out = append(out, newServer(c.After))
				i = len(out) - 1
			case ActionReplace:
				out[i] = newServer(c.After)
			case ActionDelete:
				out = slices.Delete(out, i, i+1)
			case ActionRename:
				out[i].Name = c.After.Name
			case ActionUpdate:
				if c.After.Hostname != "" {
					out[i].Hostname = c.After.Hostname
				}
				b := c.After.BackupsEnabled
				out[i].BackupsEnabled = &b
			case ActionStart:
				out[i].Status = api.StatusActive
			case ActionStop:
				out[i].Status = api.StatusStopped
			}
		}
	}
	return out
}
