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

// bigPlan plans replaces servers whose plan_id changes (web-NNNNN), deletes
// owned servers no block declares (old-NNNNN) and creates new ones
// (new-NNNNN).
func bigPlan(t testing.TB, replaces, deletes, creates int) *engine.Plan {
	t.Helper()
	fleet := &schema.Fleet{Owns: []string{"old-*", "web-*", "new-*"}}
	var live []api.Server
	id := int64(1)
	for i := range replaces {
		name := fmt.Sprintf("web-%05d", i)
		fleet.Servers = append(fleet.Servers, et.Desired(name, i+1, et.WantPlanID(2), et.WantHost(fmt.Sprintf("web-%d.example.com", i))))
		live = append(live, et.Live(id, name))
		id++
	}
	for i := range deletes {
		live = append(live, et.Live(id, fmt.Sprintf("old-%05d", i)))
		id++
	}
	for i := range creates {
		fleet.Servers = append(fleet.Servers, et.Desired(fmt.Sprintf("new-%05d", i), i+1))
	}
	p, diags := engine.BuildPlan(fleet, live, engine.PlanOptions{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return p
}

func markdownOf(t testing.TB, p *engine.Plan, opts MarkdownOptions) string {
	t.Helper()
	var b bytes.Buffer
	if err := MarkdownWith(&b, p, opts); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// namedBeforeTheRest reports the destructive changes of p that out does
// not name (as a code span) before its warnings and table.
func namedBeforeTheRest(p *engine.Plan, out string) (missing []string) {
	head := out
	for _, marker := range []string{"\n- :warning:", "\n| | Server |"} {
		if i := strings.Index(head, marker); i >= 0 {
			head = head[:i]
		}
	}
	for _, c := range p.Changes {
		if (c.Has(engine.ActionDelete) || c.Has(engine.ActionReplace)) && !strings.Contains(head, "`"+c.Name+"`") {
			missing = append(missing, c.Name)
		}
	}
	return missing
}

// TestMarkdown3000Servers is the pull-request comment of 2,900
// replacements and 100 deletes: every one is named before anything else,
// and the comment fits.
func TestMarkdown3000Servers(t *testing.T) {
	p := bigPlan(t, 2900, 100, 0)
	if p.Summary.Replace != 2900 || p.Summary.Delete != 100 {
		t.Fatalf("summary %+v", p.Summary)
	}
	out := markdownOf(t, p, MarkdownOptions{FullPlan: "https://github.com/o/r/actions/runs/42"})
	if len(out) > MaxMarkdownBytes {
		t.Errorf("%d bytes, over %d", len(out), MaxMarkdownBytes)
	}
	if missing := namedBeforeTheRest(p, out); len(missing) > 0 {
		t.Errorf("%d deleted or replaced servers are not named first, e.g. %v", len(missing), missing[:min(5, len(missing))])
	}
	for _, want := range []string{
		"**" + SummaryLine(p) + "**",
		"> This plan deletes 100 servers and replaces 2900",
		"**Deleted (100):** `old-00000`, ",
		"**Replaced (2900):** `web-00000`, ",
		"The full plan: <https://github.com/o/r/actions/runs/42>._",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the comment lacks %q", want)
		}
	}
	if strings.Contains(out, "not named here") {
		t.Error("the comment says some are not named, though all fit")
	}
	if strings.Index(out, "**Deleted") > strings.Index(out, "**Replaced") {
		t.Error("replacements are named before deletes")
	}
	rows := strings.Count(out, "\n| `")
	t.Logf("3,000-server comment: %d bytes, %d of %d table rows, %d details", len(out), rows, len(p.Changes), strings.Count(out, "<details>"))
	if rows == 0 || !strings.Contains(out, fmt.Sprintf("_Left out to fit a pull-request comment: %d changes of the table", len(p.Changes)-rows)) {
		t.Errorf("the note does not count the %d rows left out:\n%s", len(p.Changes)-rows, out[max(0, len(out)-400):])
	}
}

func TestRenderMarkdownFitsAComment(t *testing.T) {
	tests := []struct {
		name                        string
		replaces, deletes, creates  int
		opts                        MarkdownOptions
		wantNote                    string
		wantAllRows, wantAllDetails bool
		wantAllNamed                bool
	}{
		{"small plan keeps every detail", 3, 3, 4, MarkdownOptions{}, "", true, true, true},
		{"details cut first", 100, 100, 100, MarkdownOptions{}, "Left out to fit a pull-request comment: the details of", true, false, true},
		{"rows cut when even the table is too long", 0, 100, 3000, MarkdownOptions{}, "of the table, and the details of every change", false, false, true},
		{"names cut when even they are too many", 0, 8000, 0, MarkdownOptions{FullPlan: "the vpsfleet-plan artifact"}, "The full plan: the vpsfleet-plan artifact._", false, false, false},
		{"a job summary holds everything", 2900, 100, 0, MarkdownOptions{MaxBytes: 1 << 20}, "", true, true, true},
		{"the smallest size still names and points", 500, 500, 0, MarkdownOptions{MaxBytes: 100}, "The full plan: run `vpsfleet show` on the file saved by `vpsfleet plan -out`._", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := bigPlan(t, tt.replaces, tt.deletes, tt.creates)
			out := markdownOf(t, p, tt.opts)
			limit := max(tt.opts.MaxBytes, minMarkdownBytes)
			if tt.opts.MaxBytes == 0 {
				limit = MaxMarkdownBytes
			}
			if len(out) > limit {
				t.Errorf("markdown is %d bytes, over %d", len(out), limit)
			}
			if !strings.HasPrefix(out, "### vpsfleet plan\n\n**"+SummaryLine(p)+"**\n\n> [!CAUTION]\n> This plan deletes ") {
				t.Errorf("the comment does not open with the summary and the caution:\n%s", out[:min(300, len(out))])
			}
			missing := namedBeforeTheRest(p, out)
			if tt.wantAllNamed != (len(missing) == 0) {
				t.Errorf("%d of %d deleted or replaced servers not named", len(missing), tt.replaces+tt.deletes)
			}
			if len(missing) > 0 && !strings.Contains(out, fmt.Sprintf("**%d more servers deleted or replaced are not named here, for lack of room.**", len(missing))) {
				t.Errorf("the comment does not say that %d servers are not named:\n%s", len(missing), out[max(0, len(out)-600):])
			}
			rows := strings.Count(out, "\n| `")
			if tt.wantAllRows != (rows == len(p.Changes)) {
				t.Errorf("%d table rows for %d changes", rows, len(p.Changes))
			}
			details := strings.Count(out, "<details>")
			if tt.wantAllDetails != (details == len(p.Changes)) {
				t.Errorf("%d details for %d changes", details, len(p.Changes))
			}
			if tt.wantNote == "" {
				if strings.Contains(out, "_Left out") {
					t.Errorf("a note though nothing is left out:\n%s", out[max(0, len(out)-300):])
				}
				return
			}
			if !strings.Contains(out, tt.wantNote) {
				t.Errorf("no note %q in the tail:\n%s", tt.wantNote, out[max(0, len(out)-400):])
			}
			if tt.wantAllRows && !strings.Contains(out, fmt.Sprintf("the details of %d changes", len(p.Changes)-details)) {
				t.Errorf("the note does not count the %d details left out", len(p.Changes)-details)
			}
		})
	}
}

// TestMarkdownNeverOverflows: whatever the limit, the plan and the
// warnings, the output stays within the limit and keeps the summary.
func TestMarkdownNeverOverflows(t *testing.T) {
	p := bigPlan(t, 700, 300, 500)
	for i := range 40 {
		p.Warnings = append(p.Warnings, strings.Repeat(fmt.Sprintf("warning %d é ", i), 100))
	}
	for _, limit := range []int{4096, 5000, 8191, 20000, 65536, 200000} {
		out := markdownOf(t, p, MarkdownOptions{MaxBytes: limit, FullPlan: "https://example.com/run/1"})
		if len(out) > limit || !strings.Contains(out, SummaryLine(p)) || !strings.Contains(out, "[!CAUTION]") {
			t.Errorf("limit %d: %d bytes, summary or caution missing", limit, len(out))
		}
	}
}

func TestMarkdownDestroyHeadingAndNames(t *testing.T) {
	p := engine.NewPlan(engine.Change{Name: "a`b", Actions: []engine.Action{engine.ActionDelete},
		Before: &engine.ServerState{ID: 1, Name: "a`b", Status: "active"}, Reason: "destroy requested"})
	out := markdownOf(t, p, MarkdownOptions{Heading: "vpsfleet plan -destroy"})
	if !strings.HasPrefix(out, "### vpsfleet plan -destroy\n") || !strings.Contains(out, "**Deleted (1):** a\\`b.") {
		t.Errorf("markdown:\n%s", out)
	}
}

func TestMarkdownEscape(t *testing.T) {
	if got := markdownEscape("matched by owns web-* | <b>\nx"); got != `matched by owns web-\* \| \<b\> x` {
		t.Errorf("markdownEscape = %q", got)
	}
}

// BenchmarkMarkdown3000 renders the comment of 2,900 replacements and 100
// deletes.
func BenchmarkMarkdown3000(b *testing.B) {
	p := bigPlan(b, 2900, 100, 0)
	var out bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		if err := Markdown(&out, p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(out.Len()), "bytes/comment")
}
