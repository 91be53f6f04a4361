package main

// The machine-readable formats against their JSON Schemas in docs/: every
// golden JSON output validates, and documents the formats forbid are
// rejected. The end-to-end tests validate the binary's own outputs with
// the same schemas (checkSchema).

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/vpsfleet/vpsfleet/schema"
)

// The schemas of docs/, by the name tests use.
var schemaFiles = map[string]string{
	"plan":      "docs/plan.schema.json",
	"events":    "docs/events.schema.json",
	"validate":  "docs/validate.schema.json",
	"inventory": "docs/inventory.schema.json",
}

var (
	schemasOnce sync.Once
	schemas     map[string]*jsonschema.Schema
	schemasErr  error
)

// compiledSchemas compiles every schema of docs/ once, each registered
// under its $id so that they can refer to one another without a network,
// with formats (date-time) asserted.
func compiledSchemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	schemasOnce.Do(func() {
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		ids := map[string]string{}
		for name, file := range schemaFiles {
			f, err := os.Open(file)
			if err != nil {
				schemasErr = err
				return
			}
			doc, err := jsonschema.UnmarshalJSON(f)
			f.Close()
			if err != nil {
				schemasErr = err
				return
			}
			id, _ := doc.(map[string]any)["$id"].(string)
			if id == "" {
				schemasErr = os.ErrInvalid
				return
			}
			if err := c.AddResource(id, doc); err != nil {
				schemasErr = err
				return
			}
			ids[name] = id
		}
		schemas = map[string]*jsonschema.Schema{}
		for name, id := range ids {
			sch, err := c.Compile(id)
			if err != nil {
				schemasErr = err
				return
			}
			schemas[name] = sch
		}
	})
	if schemasErr != nil {
		t.Fatalf("compiling the schemas of docs/: %v", schemasErr)
	}
	return schemas
}

// schemaError is why doc does not validate against the named schema, or nil.
func schemaError(t *testing.T, name string, doc []byte) error {
	t.Helper()
	sch := compiledSchemas(t)[name]
	if sch == nil {
		t.Fatalf("no schema %q", name)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// checkSchema fails the test unless doc (from what) validates against the
// named schema; "events" checks every line of a stream.
func checkSchema(t *testing.T, name, what string, doc []byte) {
	t.Helper()
	if name != "events" {
		if err := schemaError(t, name, doc); err != nil {
			t.Errorf("%s does not match docs/%s.schema.json: %v\n%s", what, name, err, doc)
		}
		return
	}
	sc := bufio.NewScanner(bytes.NewReader(doc))
	sc.Buffer(nil, 1<<26)
	lines := 0
	for sc.Scan() {
		lines++
		if err := schemaError(t, name, sc.Bytes()); err != nil {
			t.Errorf("%s line %d does not match docs/events.schema.json: %v\n%s", what, lines, err, sc.Bytes())
		}
	}
	if lines == 0 {
		t.Errorf("%s: no event lines", what)
	}
}

// TestGoldenJSONMatchesTheSchemas validates every golden JSON output: the
// plan documents, the event streams, and validate -json of every broken
// and example fleet.
func TestGoldenJSONMatchesTheSchemas(t *testing.T) {
	globs := map[string]string{
		"plan":   "testdata/render/plans/*/plan.json",
		"events": "testdata/render/events/*.jsonl",
	}
	for name, glob := range globs {
		files, err := filepath.Glob(glob)
		if err != nil || len(files) == 0 {
			t.Fatalf("no golden files %s (%v)", glob, err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			checkSchema(t, name, f, data)
		}
	}
	fleets, _ := filepath.Glob("testdata/schema/broken/*")
	examples, _ := filepath.Glob("examples/*")
	valid := 0
	for _, path := range append(fleets, examples...) {
		if strings.HasSuffix(path, ".golden") {
			continue
		}
		_, diags := schema.Load(path, schema.LoadOptions{})
		doc := schema.DiagnosticsJSON(diags)
		checkSchema(t, "validate", "validate -json "+path, doc)
		if !diags.HasErrors() {
			valid++
		}
	}
	if valid == 0 || len(fleets) < 10 {
		t.Errorf("validated %d broken fleets and %d valid ones", len(fleets), valid)
	}
}

// TestSchemasRejectWhatTheFormatsForbid: each schema refuses documents
// that break the format's promises, so that the validations above can
// fail.
func TestSchemasRejectWhatTheFormatsForbid(t *testing.T) {
	plan, err := os.ReadFile("testdata/render/plans/every-action/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(doc map[string]any)) []byte {
		var doc map[string]any
		if err := json.Unmarshal(plan, &doc); err != nil {
			t.Fatal(err)
		}
		f(doc)
		out, _ := json.Marshal(doc)
		return out
	}
	change := func(doc map[string]any, i int) map[string]any { return doc["changes"].([]any)[i].(map[string]any) }
	tests := []struct {
		name, schema string
		doc          []byte
	}{
		{"a replacement spelled replace", "plan", edit(func(d map[string]any) { change(d, 0)["actions"] = []any{"replace"} })},
		{"format 1", "plan", edit(func(d map[string]any) { d["format_version"] = "1" })},
		{"a count of unmanaged servers", "plan", edit(func(d map[string]any) { d["unmanaged"] = 1 })},
		{"a delete with a desired state", "plan", edit(func(d map[string]any) {
			c := change(d, 0)
			c["actions"], c["forced_by"], c["create_before_destroy"] = []any{"delete"}, []any{}, false
		})},
		{"a create with a live state", "plan", edit(func(d map[string]any) { change(d, 4)["before"] = change(d, 0)["before"] })},
		{"an update forced by plan_id", "plan", edit(func(d map[string]any) { change(d, 2)["forced_by"] = []any{"plan_id"} })},
		{"an undocumented field", "plan", edit(func(d map[string]any) { d["destroy"] = true })},
		{"a live state without status", "plan", edit(func(d map[string]any) {
			delete(change(d, 0)["before"].(map[string]any), "status")
		})},
		{"a batch numbered 0", "plan", edit(func(d map[string]any) { change(d, 0)["batch"] = 0 })},
		{"a change without the groups it waits for", "plan", edit(func(d map[string]any) { delete(change(d, 0), "waits_for") })},
		{"a group of no servers count", "plan", edit(func(d map[string]any) {
			d["groups"] = []any{map[string]any{"label": "web", "depends_on": []any{}, "down": 0, "settling": []any{}, "rollout": nil}}
		})},
		{"a batch line without its servers", "events", []byte(`{"format_version":"1","type":"batch","timestamp":"2026-01-01T12:00:00.000Z","group":"web","number":1,"of":2}`)},
		{"a step in batch 0", "events", []byte(`{"format_version":"1","type":"start","timestamp":"2026-01-01T12:00:00.000Z","server":"web-01","action":"check","batch":{"group":"web","number":0,"of":2}}`)},
		{"an unknown event type", "events", []byte(`{"format_version":"1","type":"progress","timestamp":"2026-01-01T12:00:00.000Z"}`)},
		{"an event without a timestamp", "events", []byte(`{"format_version":"1","type":"start","server":"web-01","action":"create"}`)},
		{"a timestamp that is no time", "events", []byte(`{"format_version":"1","type":"start","timestamp":"2026-13-45T12:00:00.000Z","server":"web-01","action":"create"}`)},
		{"a fail without an error", "events", []byte(`{"format_version":"1","type":"fail","timestamp":"2026-01-01T12:00:00.000Z","server":"web-01","elapsed":1,"outcome":"failed"}`)},
		{"an exit with an unknown reason", "events", []byte(`{"format_version":"1","type":"exit","timestamp":"2026-01-01T12:00:00.000Z","exit_code":0,"reason":"fine"}`)},
		{"a replace step", "events", []byte(`{"format_version":"1","type":"start","timestamp":"2026-01-01T12:00:00.000Z","server":"web-01","action":"replace"}`)},
		{"valid with errors", "validate", []byte(`{"format_version":"1","valid":true,"error_count":1,"warning_count":0,"diagnostics":[{"severity":"error","summary":"x"}]}`)},
		{"a diagnostic of no severity", "validate", []byte(`{"format_version":"1","valid":true,"error_count":0,"warning_count":0,"diagnostics":[{"severity":"note","summary":"x"}]}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if schemaError(t, tt.schema, tt.doc) == nil {
				t.Errorf("docs/%s.schema.json accepts %s", tt.schema, tt.doc)
			}
		})
	}
	if err := schemaError(t, "plan", plan); err != nil {
		t.Errorf("the unedited golden plan does not validate: %v", err)
	}
}
