package render

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/vpsfleet/vpsfleet/engine"
)

// JSON writes the -json document of DESIGN §6: the plan serialised,
// indented two spaces, with a trailing newline. "changes" and "warnings"
// are always arrays (never null) and "format_version" is
// engine.FormatVersion. It returns the first write error.
func JSON(w io.Writer, p *engine.Plan) error {
	out := engine.NewPlan()
	if p != nil {
		*out = *p
		out.FormatVersion = engine.FormatVersion
		if out.Changes == nil {
			out.Changes = []engine.Change{}
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
