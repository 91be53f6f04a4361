package render

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/vpsfleet/vpsfleet/engine"
	et "github.com/vpsfleet/vpsfleet/internal/enginetest"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/schema"
)

// ansiPattern matches an SGR escape sequence.
var ansiPattern = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestRenderMarkdownFitsAComment(t *testing.T) {
	tests := []struct {
		name        string
		servers     int
		wantNote    string
		wantAllRows bool
	}{
		{"small plan keeps every detail", 10, "", true},
		{"details cut first", 300, "left out to fit a pull-request comment", true},
		{"rows cut when even the table is too long", 5000, "left out of the table and all details", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fleet := &schema.Fleet{Owns: []string{"old-*"}}
			var live []api.Server
			for i := range tt.servers {
				fleet.Servers = append(fleet.Servers, et.Desired(fmt.Sprintf("web-%05d", i), i+1, et.WantHost(fmt.Sprintf("web-%d.example.com", i))))
				live = append(live, et.Live(int64(i+1), fmt.Sprintf("old-%05d", i)))
			}
			p, _ := engine.BuildPlan(fleet, live, engine.PlanOptions{})
			var b bytes.Buffer
			if err := Markdown(&b, p); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if len(out) > MaxMarkdownBytes {
				t.Errorf("markdown is %d bytes, over %d", len(out), MaxMarkdownBytes)
			}
			if !strings.Contains(out, "**"+SummaryLine(p)+"**") {
				t.Error("summary missing")
			}
			if !strings.Contains(out, "This plan deletes or replaces") {
				t.Error("delete warning missing")
			}
			rows := strings.Count(out, "\n| `")
			if tt.wantAllRows != (rows == len(p.Changes)) {
				t.Errorf("%d table rows for %d changes", rows, len(p.Changes))
			}
			if tt.wantNote == "" {
				if strings.Count(out, "<details>") != len(p.Changes) {
					t.Errorf("%d details for %d changes", strings.Count(out, "<details>"), len(p.Changes))
				}
				return
			}
			if !strings.Contains(out, tt.wantNote) {
				t.Errorf("no note %q in the tail:\n%s", tt.wantNote, out[max(0, len(out)-400):])
			}
			left := len(p.Changes) - strings.Count(out, "<details>")
			if tt.wantAllRows && !strings.Contains(out, fmt.Sprintf("Details of %d changes left out", left)) {
				t.Errorf("the note does not count the %d details left out", left)
			}
		})
	}
}

func TestMarkdownEscape(t *testing.T) {
	if got := markdownEscape("matched by owns web-* | <b>\nx"); got != `matched by owns web-\* \| \<b\> x` {
		t.Errorf("markdownEscape = %q", got)
	}
}
