package render

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/vpsfleet/vpsfleet/engine"
)

func TestDocumentActions(t *testing.T) {
	tests := []struct {
		name   string
		change engine.Change
		want   []string
	}{
		{"create", engine.Change{Actions: []engine.Action{engine.ActionCreate, engine.ActionStop}}, []string{"create", "stop"}},
		{"delete", engine.Change{Actions: []engine.Action{engine.ActionDelete}}, []string{"delete"}},
		{"replace", engine.Change{Actions: []engine.Action{engine.ActionReplace}}, []string{"delete", "create"}},
		{"replace then stop", engine.Change{Actions: []engine.Action{engine.ActionReplace, engine.ActionStop}}, []string{"delete", "create", "stop"}},
		{"create_before_destroy", engine.Change{Actions: []engine.Action{engine.ActionReplace}, CreateBeforeDestroy: true}, []string{"create", "delete"}},
		{"rename and update", engine.Change{Actions: []engine.Action{engine.ActionRename, engine.ActionUpdate}}, []string{"rename", "update"}},
		{"start", engine.Change{Actions: []engine.Action{engine.ActionStart}}, []string{"start"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DocumentActions(tt.change); !slices.Equal(got, tt.want) {
				t.Errorf("DocumentActions = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestJSONEveryDeleteSaysDelete: in the document, a change carries
// "delete" exactly when the model deletes a server (a delete or a
// replace), and the summary keeps the model's counts.
func TestJSONEveryDeleteSaysDelete(t *testing.T) {
	p := goldenPlans(t)["every-action"]
	doc := decodePlanDocument(t, p)
	if len(doc.Changes) != len(p.Changes) {
		t.Fatalf("%d changes in the document, %d in the plan", len(doc.Changes), len(p.Changes))
	}
	for i, c := range p.Changes {
		deletes := c.Has(engine.ActionDelete) || c.Has(engine.ActionReplace)
		if got := slices.Contains(doc.Changes[i].Actions, "delete"); got != deletes {
			t.Errorf("%s: actions %q, model %v", c.Name, doc.Changes[i].Actions, c.Actions)
		}
		if slices.Contains(doc.Changes[i].Actions, "replace") {
			t.Errorf("%s: the document still says replace: %q", c.Name, doc.Changes[i].Actions)
		}
	}
	if doc.Summary != p.Summary {
		t.Errorf("summary %+v, plan %+v", doc.Summary, p.Summary)
	}
}

// TestJSONOfAnOlderModel: a plan that counts unmanaged servers without
// naming them (saved before they were recorded) still renders, and says
// what it cannot list.
func TestJSONOfAnOlderModel(t *testing.T) {
	p := engine.NewPlan()
	p.Unmanaged = 3
	p.UnmanagedServers = []engine.UnmanagedServer{{Name: "mail", ID: 7}}
	doc := decodePlanDocument(t, p)
	if len(doc.Unmanaged) != 1 || doc.Unmanaged[0] != (unmanagedDocument{Name: "mail", ID: 7}) {
		t.Errorf("unmanaged %+v", doc.Unmanaged)
	}
	if len(doc.Warnings) != 1 || !strings.Contains(doc.Warnings[0], "2 servers not managed by this fleet are not named") {
		t.Errorf("warnings %q", doc.Warnings)
	}
	if p.Warnings == nil || len(p.Warnings) != 0 {
		t.Errorf("rendering changed the plan's warnings: %q", p.Warnings)
	}
}

func decodePlanDocument(t *testing.T, p *engine.Plan) planDocument {
	t.Helper()
	var b bytes.Buffer
	if err := JSON(&b, p); err != nil {
		t.Fatal(err)
	}
	var doc planDocument
	dec := json.NewDecoder(&b)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("the document does not decode: %v", err)
	}
	if doc.FormatVersion != PlanFormatVersion {
		t.Errorf("format_version %q", doc.FormatVersion)
	}
	return doc
}
