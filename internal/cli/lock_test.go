package cli

import (
	"slices"
	"strings"
	"testing"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
)

func TestLockNames(t *testing.T) {
	state := func(id int64, name string) *engine.ServerState { return &engine.ServerState{ID: id, Name: name} }
	tests := []struct {
		name   string
		change engine.Change
		want   []string
	}{
		{"create", engine.Change{Name: "web-01", Actions: []engine.Action{engine.ActionCreate}, After: state(0, "web-01")},
			[]string{"web-01"}},
		{"delete", engine.Change{Name: "web-09", Actions: []engine.Action{engine.ActionDelete}, Before: state(7, "web-09")},
			[]string{"web-09"}},
		{"rename: both names", engine.Change{Name: "db-01", Actions: []engine.Action{engine.ActionRename}, Before: state(3, "db-old"), After: state(3, "db-01")},
			[]string{"db-01", "db-old"}},
		{"replace", engine.Change{Name: "web-02", Actions: []engine.Action{engine.ActionReplace}, Before: state(4, "web-02"), After: state(0, "web-02")},
			[]string{"web-02"}},
		{"create_before_destroy: the temporary name of the tag", engine.Change{Name: "web-02", Actions: []engine.Action{engine.ActionReplace},
			Before: state(4, "web-02"), After: state(0, "web-02"), CreateBeforeDestroy: true},
			[]string{"web-02", "web-02-cbd-k3x9"}},
		{"create_before_destroy finishing an earlier one: the replacement's name, no new one", engine.Change{Name: "web-02", Actions: []engine.Action{engine.ActionReplace},
			Before: state(4, "web-02"), After: state(0, "web-02"), CreateBeforeDestroy: true, Replacement: state(9, "web-02-cbd-aaaa")},
			[]string{"web-02", "web-02-cbd-aaaa"}},
		{"moved and replaced with create_before_destroy", engine.Change{Name: "db-01", Actions: []engine.Action{engine.ActionReplace},
			Before: state(3, "db-old"), After: state(0, "db-01"), CreateBeforeDestroy: true},
			[]string{"db-01", "db-01-cbd-k3x9", "db-old"}},
		{"create_before_destroy on a change that is no replace takes no temporary name", engine.Change{Name: "web-03", Actions: []engine.Action{engine.ActionUpdate},
			Before: state(5, "web-03"), After: state(5, "web-03"), CreateBeforeDestroy: true},
			[]string{"web-03"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lockNames(engine.NewPlan(tt.change), "k3x9"); !slices.Equal(got, tt.want) {
				t.Errorf("lockNames = %q, want %q", got, tt.want)
			}
		})
	}
	// Many changes: sorted, once each.
	var all []engine.Change
	for _, tt := range tests[:4] {
		all = append(all, tt.change)
	}
	all = append(all, engine.Change{Name: "db-old", Actions: []engine.Action{engine.ActionDelete}, Before: state(8, "db-old")})
	want := []string{"db-01", "db-old", "web-01", "web-02", "web-09"}
	if got := lockNames(&engine.Plan{Changes: all}, "k3x9"); !slices.Equal(got, want) {
		t.Errorf("lockNames of the whole plan = %q, want %q", got, want)
	}
}

func TestFreeTempTag(t *testing.T) {
	cbd := engine.NewPlan(engine.Change{Name: "web-02", Actions: []engine.Action{engine.ActionReplace},
		Before: &engine.ServerState{ID: 4, Name: "web-02"}, After: &engine.ServerState{Name: "web-02"}, CreateBeforeDestroy: true})
	live := []api.Server{{ID: 4, Name: "web-02"}, {ID: 5, Name: "web-02-cbd-k3x9"}}
	if tempTagFree(cbd, "k3x9", live) {
		t.Error("a tag whose temporary name is live counts as free")
	}
	tag := freeTempTag(cbd, "k3x9", live)
	if tag == "k3x9" || len(tag) != tempTagLen || strings.Trim(tag, tempTagAlphabet) != "" || !engine.IsTempName(engine.TempName("web-02", tag), "web-02") {
		t.Errorf("freeTempTag = %q, want another tag of the executor's kind", tag)
	}
	if got := freeTempTag(cbd, "zzzz", live); got != "zzzz" {
		t.Errorf("freeTempTag changed a free tag to %q", got)
	}
}

func TestLockScope(t *testing.T) {
	tests := []struct{ endpoint, want string }{
		{"https://admin.vps.org", "https://admin.vps.org"},
		{"https://user:s3cret@admin.vps.org/api?token=abc#x", "https://admin.vps.org/api"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"sandbox:/home/alice/.vpsfleet/sandbox.json", "sandbox:/home/alice/.vpsfleet/sandbox.json"},
	}
	for _, tt := range tests {
		if got := lockScope(tt.endpoint); got != tt.want {
			t.Errorf("lockScope(%q) = %q, want %q", tt.endpoint, got, tt.want)
		}
	}
}

func TestSamePlan(t *testing.T) {
	create := engine.Change{Name: "web-01", Actions: []engine.Action{engine.ActionCreate}}
	update := engine.Change{Name: "web-02", Actions: []engine.Action{engine.ActionUpdate}, Before: &engine.ServerState{ID: 4, Name: "web-02"}}
	other := update
	other.Before = &engine.ServerState{ID: 5, Name: "web-02"}
	tests := []struct {
		name string
		a, b *engine.Plan
		want bool
	}{
		{"equal", engine.NewPlan(create, update), engine.NewPlan(create, update), true},
		{"both empty", engine.NewPlan(), engine.NewPlan(), true},
		{"one done meanwhile", engine.NewPlan(create, update), engine.NewPlan(update), false},
		{"another live server", engine.NewPlan(update), engine.NewPlan(other), false},
	}
	for _, tt := range tests {
		if got := samePlan(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: samePlan = %v, want %v", tt.name, got, tt.want)
		}
	}
}
