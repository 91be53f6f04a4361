package schema

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

func TestDiagnosticsJSON(t *testing.T) {
	rng := hcl.Range{Filename: "fleet.hcl", Start: hcl.Pos{Line: 3, Column: 5, Byte: 20}, End: hcl.Pos{Line: 3, Column: 9, Byte: 24}}
	cases := []struct {
		name  string
		diags hcl.Diagnostics
		want  string
	}{
		{"none", nil, `{"format_version":"1","valid":true,"error_count":0,"warning_count":0,"diagnostics":[]}`},
		{"error and warning", hcl.Diagnostics{
			{Severity: hcl.DiagError, Summary: "Bad", Detail: "Fix it.", Subject: &rng},
			{Severity: hcl.DiagWarning, Summary: "Hmm"},
		}, `{"format_version":"1","valid":false,"error_count":1,"warning_count":1,"diagnostics":[` +
			`{"severity":"error","summary":"Bad","detail":"Fix it.","range":{"filename":"fleet.hcl","start":{"line":3,"column":5,"byte":20},"end":{"line":3,"column":9,"byte":24}}},` +
			`{"severity":"warning","summary":"Hmm"}]}`},
		{"warnings only stay valid", hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Hmm"}},
			`{"format_version":"1","valid":true,"error_count":0,"warning_count":1,"diagnostics":[{"severity":"warning","summary":"Hmm"}]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw := DiagnosticsJSON(c.diags)
			if !strings.HasSuffix(string(raw), "\n") {
				t.Errorf("no trailing newline")
			}
			var v any
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatal(err)
			}
			compact, _ := json.Marshal(v)
			var w any
			_ = json.Unmarshal([]byte(c.want), &w)
			wantCompact, _ := json.Marshal(w)
			if string(compact) != string(wantCompact) {
				t.Errorf("got  %s\nwant %s", compact, wantCompact)
			}
		})
	}
}

func TestWriteDiagnosticsOptions(t *testing.T) {
	dir := writeFleet(t, map[string]string{"fleet.hcl": "server \"web-01\" {\n  plan_id = \"x\"\n}\n"})
	_, diags := Load(dir, LoadOptions{})
	var plain, colored strings.Builder
	if err := WriteDiagnostics(&plain, nil, diags, 0, false); err != nil {
		t.Fatal(err)
	}
	if err := WriteDiagnostics(&colored, nil, diags, 0, true); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Errorf("colour escape codes without colour")
	}
	if !strings.Contains(colored.String(), "\x1b[") {
		t.Errorf("no colour escape codes with colour")
	}
	if !strings.Contains(plain.String(), `2:   plan_id = "x"`) {
		t.Errorf("no source snippet read from disk:\n%s", plain.String())
	}
}
