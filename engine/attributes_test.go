package engine

import (
	"reflect"
	"testing"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

func TestChangeAttributes(t *testing.T) {
	key := int64(7)
	live := &ServerState{ID: 3, Name: "db-old", PlanID: 1, OSID: 5, Location: "us-west", Hostname: "a.example.com", Power: "on", Status: api.StatusActive}
	tests := []struct {
		name   string
		change Change
		want   []AttributeChange
	}{
		{"create lists every set attribute", Change{Actions: []Action{ActionCreate},
			After: &ServerState{Name: "web", PlanID: 2, OSID: 3, Location: "us-east", SSHKeyID: &key, Power: "off"}},
			[]AttributeChange{
				{Name: "plan_id", After: "2"}, {Name: "os_id", After: "3"}, {Name: "location", After: `"us-east"`},
				{Name: "ssh_key_id", After: "7"}, {Name: "backups_enabled", After: "false"}, {Name: "power", After: `"off"`},
			}},
		{"delete lists every attribute before", Change{Actions: []Action{ActionDelete}, Before: live},
			[]AttributeChange{
				{Name: "plan_id", Before: "1"}, {Name: "os_id", Before: "5"}, {Name: "location", Before: `"us-west"`},
				{Name: "hostname", Before: `"a.example.com"`}, {Name: "backups_enabled", Before: "false"}, {Name: "power", Before: `"on"`},
			}},
		{"rename and update list the differences", Change{Actions: []Action{ActionRename, ActionUpdate}, Before: live,
			After: &ServerState{ID: 3, Name: "db-01", PlanID: 1, OSID: 5, Location: "us-west", Hostname: "b.example.com", Power: "on"}},
			[]AttributeChange{{Name: "name", Before: `"db-old"`, After: `"db-01"`}, {Name: "hostname", Before: `"a.example.com"`, After: `"b.example.com"`}}},
		{"replace marks the forcing attributes", Change{Actions: []Action{ActionReplace, ActionStop}, Before: live,
			After: &ServerState{Name: "db-old", PlanID: 2, OSID: 5, Location: "us-east", Hostname: "a.example.com", Power: "off"}},
			[]AttributeChange{
				{Name: "plan_id", Before: "1", After: "2", ForcesReplacement: true},
				{Name: "location", Before: `"us-west"`, After: `"us-east"`, ForcesReplacement: true},
				{Name: "power", Before: `"on"`, After: `"off"`},
			}},
		{"nothing", Change{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.change.Attributes(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Attributes() =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestAttributeChangeString(t *testing.T) {
	if got := (AttributeChange{Name: "hostname", After: `"a"`}).String(); got != `hostname: (none) → "a"` {
		t.Errorf("String() = %q", got)
	}
}

// TestSameFieldAgreesWithStateFields: the planner's quick comparison of
// an attribute says what comparing the formatted values would, for every
// attribute, in the order the views list them.
func TestSameFieldAgreesWithStateFields(t *testing.T) {
	t.Parallel()
	key := func(v int64) *int64 { return &v }
	base := ServerState{Name: "web-01", PlanID: 1, OSID: 5, Location: "us-west", Hostname: "a.example.com", SSHKeyID: key(7), Power: "on"}
	mods := []func(*ServerState){
		func(s *ServerState) {},
		func(s *ServerState) { s.PlanID = 2 },
		func(s *ServerState) { s.OSID = 3 },
		func(s *ServerState) { s.Location = "us-east" },
		func(s *ServerState) { s.Hostname = "" },
		func(s *ServerState) { s.Hostname = "b.example.com" },
		func(s *ServerState) { s.SSHKeyID = nil },
		func(s *ServerState) { s.SSHKeyID = key(8) },
		func(s *ServerState) { s.BackupsEnabled = true },
		func(s *ServerState) { s.Power = "off" },
	}
	for i, mod := range mods {
		other := base
		mod(&other)
		bf, of := stateFields(&base), stateFields(&other)
		if len(bf) != len(schema.ServerAttributes) {
			t.Fatalf("stateFields has %d attributes, schema.ServerAttributes %d", len(bf), len(schema.ServerAttributes))
		}
		for j, f := range bf {
			if f.attr != schema.ServerAttributes[j] {
				t.Fatalf("stateFields lists %s at %d, schema.ServerAttributes %s", f.attr, j, schema.ServerAttributes[j])
			}
			if got, want := sameField(f.attr, &base, &other), f.value == of[j].value; got != want {
				t.Errorf("change %d: sameField(%s) = %v, formatted values equal = %v", i, f.attr, got, want)
			}
		}
	}
}
