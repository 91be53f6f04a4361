package schema

import "github.com/hashicorp/hcl/v2"

// Attribute names a server attribute of the fleet language, as fleet files
// write it and as plans show it. The engine compares servers by these
// names, so schema and engine share one vocabulary.
type Attribute string

// The server attributes, in the order plans show them.
const (
	AttrPlanID         Attribute = "plan_id"
	AttrOSID           Attribute = "os_id"
	AttrLocation       Attribute = "location"
	AttrHostname       Attribute = "hostname"
	AttrSSHKeyID       Attribute = "ssh_key_id"
	AttrBackupsEnabled Attribute = "backups_enabled"
	AttrPower          Attribute = "power"
)

// ServerAttributes are the attributes a server block and the defaults
// block may set, in display order.
var ServerAttributes = []Attribute{AttrPlanID, AttrOSID, AttrLocation, AttrHostname, AttrSSHKeyID, AttrBackupsEnabled, AttrPower}

// RequiredAttributes must be set on every server, by its block or by the
// defaults block.
var RequiredAttributes = []Attribute{AttrPlanID, AttrOSID, AttrLocation}

// IgnorableAttributes may be named in lifecycle.ignore_changes.
var IgnorableAttributes = []Attribute{AttrHostname, AttrBackupsEnabled, AttrPlanID, AttrOSID, AttrLocation, AttrPower}

// ForcesReplacement reports whether a difference in a can only be made by
// replacing the server: the API sets plan_id, os_id and location at
// creation and never changes them.
func (a Attribute) ForcesReplacement() bool {
	switch a {
	case AttrPlanID, AttrOSID, AttrLocation:
		return true
	}
	return false
}

// attributeSchemas returns the HCL schema of the server attributes,
// preceded by extra (count, for_each, name for server blocks).
func attributeSchemas(extra ...string) []hcl.AttributeSchema {
	out := make([]hcl.AttributeSchema, 0, len(extra)+len(ServerAttributes))
	for _, name := range extra {
		out = append(out, hcl.AttributeSchema{Name: name})
	}
	for _, a := range ServerAttributes {
		out = append(out, hcl.AttributeSchema{Name: string(a)})
	}
	return out
}

// attributeNames returns the attributes as strings, for suggestions.
func attributeNames(attrs []Attribute) []string {
	out := make([]string, len(attrs))
	for i, a := range attrs {
		out[i] = string(a)
	}
	return out
}
