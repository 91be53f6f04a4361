package engine

import (
	"fmt"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
)

// shortRange formats a source range for reasons and warnings as
// "fleet.hcl:12", or "unknown place" when the range is empty.
func shortRange(r hcl.Range) string {
	if r.Filename == "" {
		return "unknown place"
	}
	return fmt.Sprintf("%s:%d", filepath.Base(r.Filename), r.Start.Line)
}

// subject returns r as a diagnostic subject, or nil when r is empty.
func subject(r hcl.Range) *hcl.Range {
	if r.Filename == "" {
		return nil
	}
	rc := r
	return &rc
}

// diagnosticsCollector gathers the diagnostics of one plan and mirrors
// every warning into the plan's Warnings.
type diagnosticsCollector struct {
	diags    hcl.Diagnostics
	warnings []string
}

// warn records a warning both as a diagnostic and as a plan warning.
func (c *diagnosticsCollector) warn(summary, text string, at *hcl.Range) {
	c.add(hcl.DiagWarning, summary, text, at)
	c.warnings = append(c.warnings, text)
}

// fail records an error diagnostic.
func (c *diagnosticsCollector) fail(summary, detail string, at *hcl.Range) {
	c.add(hcl.DiagError, summary, detail, at)
}

// add records a diagnostic of severity sev.
func (c *diagnosticsCollector) add(sev hcl.DiagnosticSeverity, summary, detail string, at *hcl.Range) {
	c.diags = append(c.diags, &hcl.Diagnostic{
		Severity: sev,
		Summary:  summary,
		Detail:   detail,
		Subject:  at,
	})
}
