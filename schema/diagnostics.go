package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/hashicorp/hcl/v2"
)

// WriteDiagnostics writes diags to w the way hcl's text writer does: each
// with its severity, summary, file:line:col, a source snippet, and the
// detail, wrapped at width (0: no wrapping). Colour is used only when color
// is true; nothing global is consulted.
//
// files may be nil (Load returns no Fleet, and so no Files, when it fails):
// the files the diagnostics name are then read from disk for the snippets,
// and one that cannot be read is shown without a snippet. It returns the
// first write error.
func WriteDiagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, width uint, color bool) error {
	if files == nil {
		files = readDiagnosedFiles(diags)
	}
	var buf bytes.Buffer
	tw := hcl.NewDiagnosticTextWriter(&buf, files, width, color)
	for _, d := range diags {
		buf.Reset()
		if err := tw.WriteDiagnostic(d); err != nil {
			return err
		}
		if _, err := w.Write(withColumn(buf.Bytes(), d)); err != nil {
			return err
		}
	}
	return nil
}

// withColumn rewrites the "on FILE line N" of hcl's text writer as
// "on FILE:N:C", the form editors and terminals turn into a link.
func withColumn(text []byte, d *hcl.Diagnostic) []byte {
	if d.Subject == nil {
		return text
	}
	r := d.Subject
	old := fmt.Sprintf("on %s line %d", r.Filename, r.Start.Line)
	now := fmt.Sprintf("on %s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
	return bytes.Replace(text, []byte(old), []byte(now), 1)
}

// readDiagnosedFiles parses, from disk, every file a diagnostic names.
func readDiagnosedFiles(diags hcl.Diagnostics) map[string]*hcl.File {
	files := map[string]*hcl.File{}
	for _, d := range diags {
		if d.Subject == nil || d.Subject.Filename == "" {
			continue
		}
		name := d.Subject.Filename
		if _, done := files[name]; done {
			continue
		}
		files[name] = nil
		src, err := readRegularFile(name, maxFileSize)
		if err != nil {
			continue
		}
		f, _ := parseChecked(src, name, hcl.InitialPos)
		if f == nil {
			f = &hcl.File{Bytes: src}
		}
		files[name] = f
	}
	return files
}

// jsonDiagnostics is the document DiagnosticsJSON writes.
type jsonDiagnostics struct {
	FormatVersion string           `json:"format_version"`
	Valid         bool             `json:"valid"`
	ErrorCount    int              `json:"error_count"`
	WarningCount  int              `json:"warning_count"`
	Diagnostics   []jsonDiagnostic `json:"diagnostics"`
}

// DiagnosticsFormatVersion is the format_version of DiagnosticsJSON's
// document (see docs/FORMATS.md).
const DiagnosticsFormatVersion = "1"

type jsonDiagnostic struct {
	Severity string     `json:"severity"`
	Summary  string     `json:"summary"`
	Detail   string     `json:"detail,omitempty"`
	Range    *jsonRange `json:"range,omitempty"`
}

type jsonRange struct {
	Filename string  `json:"filename"`
	Start    jsonPos `json:"start"`
	End      jsonPos `json:"end"`
}

type jsonPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// DiagnosticsJSON encodes diags as one JSON document shaped like
// `terraform validate -json`: {"format_version": "1", "valid",
// "error_count", "warning_count",
// "diagnostics": [{"severity": "error"|"warning", "summary", "detail",
// "range": {"filename", "start": {"line","column","byte"}, "end"}}]}.
// "valid" is true when no diagnostic is an error; "range" is left out of a
// diagnostic that has no subject. The result always ends in a newline.
func DiagnosticsJSON(diags hcl.Diagnostics) []byte {
	doc := jsonDiagnostics{FormatVersion: DiagnosticsFormatVersion, Valid: true, Diagnostics: []jsonDiagnostic{}}
	for _, d := range diags {
		jd := jsonDiagnostic{Severity: "warning", Summary: d.Summary, Detail: d.Detail}
		if d.Severity == hcl.DiagError {
			jd.Severity = "error"
			doc.ErrorCount++
			doc.Valid = false
		} else {
			doc.WarningCount++
		}
		if r := d.Subject; r != nil {
			jd.Range = &jsonRange{
				Filename: r.Filename,
				Start:    jsonPos{Line: r.Start.Line, Column: r.Start.Column, Byte: r.Start.Byte},
				End:      jsonPos{Line: r.End.Line, Column: r.End.Column, Byte: r.End.Byte},
			}
		}
		doc.Diagnostics = append(doc.Diagnostics, jd)
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		// Only strings and ints are encoded, so this cannot happen; answer
		// with a document that still parses.
		return []byte("{\"format_version\": \"1\", \"valid\": false, \"error_count\": 1, \"warning_count\": 0, \"diagnostics\": []}\n")
	}
	return append(out, '\n')
}
