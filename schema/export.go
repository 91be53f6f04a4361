package schema

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// ExportServer is one live server as Export writes it into a fleet file.
type ExportServer struct {
	Name     string
	PlanID   int64
	OSID     int64
	Location string
	// Hostname "" leaves hostname out (unmanaged); so does one that is not
	// a valid fleet hostname, which the block's comment then records.
	Hostname       string
	BackupsEnabled bool
	Power          Power // PowerOff writes power = "off"; anything else is the default, on
	// Comment, e.g. "id 12345, active, 203.0.113.10", is written as a
	// comment line above the block; "" writes none.
	Comment string
}

// Export writes servers as a formatted fleet file: one `server "NAME"`
// block per server, sorted by name, with plan_id, os_id, location,
// hostname (left out when "" or not a valid hostname, so it stays
// unmanaged), backups_enabled (always written) and power = "off" only for
// servers that are off. It writes no fleet block, so loading the result
// makes nothing else managed. The output Loads without diagnostics and
// describes exactly these servers.
//
// Export returns an error naming every offending server, and writes
// nothing, when two share a name, a name is not a valid server name,
// plan_id/os_id is not positive or location is empty.
func Export(servers []ExportServer) ([]byte, error) {
	sorted := append([]ExportServer(nil), servers...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	if err := checkExport(sorted); err != nil {
		return nil, err
	}
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	for i, s := range sorted {
		if i > 0 {
			body.AppendNewline()
		}
		comment := s.Comment
		hostname := s.Hostname
		if hostname != "" && !ValidHostname(hostname) {
			note := fmt.Sprintf("hostname %q left out (not a valid fleet hostname), so it is not managed", hostname)
			if comment != "" {
				comment += "; "
			}
			comment += note
			hostname = ""
		}
		if comment != "" {
			body.AppendUnstructuredTokens(hclwrite.Tokens{{
				Type:  hclsyntax.TokenComment,
				Bytes: []byte("# " + oneLine(comment) + "\n"),
			}})
		}
		b := body.AppendNewBlock("server", []string{s.Name}).Body()
		b.SetAttributeValue("plan_id", cty.NumberIntVal(s.PlanID))
		b.SetAttributeValue("os_id", cty.NumberIntVal(s.OSID))
		b.SetAttributeValue("location", cty.StringVal(s.Location))
		if hostname != "" {
			b.SetAttributeValue("hostname", cty.StringVal(hostname))
		}
		b.SetAttributeValue("backups_enabled", cty.BoolVal(s.BackupsEnabled))
		if s.Power == PowerOff {
			b.SetAttributeValue("power", cty.StringVal(string(PowerOff)))
		}
	}
	return hclwrite.Format(f.Bytes()), nil
}

// checkExport returns every reason sorted (sorted by name) cannot be
// exported, joined, or nil.
func checkExport(sorted []ExportServer) error {
	var errs []error
	for i, s := range sorted {
		switch {
		case !ValidServerName(s.Name):
			errs = append(errs, fmt.Errorf("server %q: invalid name, so no server block can declare it. %s Rename the server on the account, or leave it out of the export", s.Name, nameRule))
		case i > 0 && sorted[i-1].Name == s.Name:
			errs = append(errs, fmt.Errorf("server %q: more than one server has this name; rename one so each is unique before exporting", s.Name))
		}
		if s.PlanID <= 0 || s.OSID <= 0 {
			errs = append(errs, fmt.Errorf("server %q: plan_id %d and os_id %d must both be positive ids; the account reported no usable plan or OS, so leave this server out of the export", s.Name, s.PlanID, s.OSID))
		}
		if s.Location == "" {
			errs = append(errs, fmt.Errorf("server %q: location is empty; the account reported no location, so leave this server out of the export", s.Name))
		}
	}
	return errors.Join(errs...)
}

// oneLine folds a comment onto one line so it cannot end the comment early.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }), " ")
}
