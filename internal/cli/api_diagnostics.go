package cli

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine/apply"
	"github.com/vpsfleet/vpsfleet/schema"
)

// fieldDiagnostics points the API's per-field refusals (400 {"plan_id":
// [...]}) of the servers of res back at the fleet: one error diagnostic
// per refused field, on the expression that set the attribute (in the
// server block, or the defaults block it came from), or on the server
// block when no attribute of the fleet set it. Servers that are not in
// fleet, and errors without field messages, give none.
func fieldDiagnostics(res *apply.Result, fleet *schema.Fleet) hcl.Diagnostics {
	if res == nil || fleet == nil {
		return nil
	}
	declared := make(map[string]*schema.DesiredServer, len(fleet.Servers))
	for i := range fleet.Servers {
		declared[fleet.Servers[i].Name] = &fleet.Servers[i]
	}
	var diags hcl.Diagnostics
	for _, s := range res.Results {
		var apiErr *api.Error
		d := declared[s.Name]
		if d == nil || s.Err == nil || !errors.As(s.Err, &apiErr) || len(apiErr.Fields) == 0 {
			continue
		}
		fields := make([]string, 0, len(apiErr.Fields))
		for f := range apiErr.Fields {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		for _, field := range fields {
			subject, where := d.Range, "the server block"
			if r, ok := d.AttrRanges[schema.Attribute(field)]; ok {
				subject, where = r, field
			}
			detail := fmt.Sprintf("%s %s answered %s for %s: %s",
				apiErr.Method, apiErr.Path, statusText(apiErr.Status), s.Name, strings.Join(apiErr.Fields[field], " "))
			if where == field {
				detail += fmt.Sprintf(" Set %s to a value the account accepts, then run apply again.", field)
			} else {
				detail += fmt.Sprintf(" The fleet does not set %s itself; fix what the API names, then run apply again.", field)
			}
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("The API refused %s of %s", field, s.Name),
				Detail:   detail,
				Subject:  &subject,
			})
		}
	}
	return diags
}

// statusText is a status with its text, e.g. "400 Bad Request".
func statusText(status int) string {
	return strings.TrimSpace(fmt.Sprintf("%d %s", status, http.StatusText(status)))
}
