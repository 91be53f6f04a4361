package engine

import (
	"encoding/json"
	"fmt"
	"io"
)

// RenderJSON writes the -json document of DESIGN §6: the plan serialised,
// indented two spaces, with a trailing newline. "changes" and "warnings"
// are always arrays (never null) and "format_version" is FormatVersion. It
// returns the first write error.
func RenderJSON(w io.Writer, p *Plan) error {
	out := newPlan()
	if p != nil {
		*out = *p
		out.FormatVersion = FormatVersion
		if out.Changes == nil {
			out.Changes = []Change{}
		}
		if out.Warnings == nil {
			out.Warnings = []string{}
		}
	}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return fmt.Errorf("render plan as JSON: %w", err)
	}
	_, err = w.Write(append(data, '\n'))
	return err
}
