package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// inventoryFormatVersion is the format_version of inventory -json
// (docs/FORMATS.md, docs/inventory.schema.json).
const inventoryFormatVersion = "1"

// inventoryJSON is the inventory -json document.
type inventoryJSON struct {
	FormatVersion string            `json:"format_version"`
	Servers       []inventoryServer `json:"servers"`
	NotLive       []string          `json:"not_live"`
}

// inventoryDocument is inv as the inventory -json document.
func inventoryDocument(inv *inventory) inventoryJSON {
	return inventoryJSON{FormatVersion: inventoryFormatVersion, Servers: inv.Servers, NotLive: inv.NotLive}
}

// writeInventoryTable prints inv as an aligned table, then a count and
// the declared servers that are not live yet.
func writeInventoryTable(w io.Writer, inv *inventory) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tID\tSTATUS\tIPV4\tIPV6\tHOSTNAME\tLOCATION\tPLAN\tGROUP")
	for _, s := range inv.Servers {
		name := s.Name
		if s.DeclaredAs != "" {
			name += " (→ " + s.DeclaredAs + ")"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, s.ID, s.Status, orDash(s.IPv4), orDash(s.IPv6),
			orDash(s.Hostname), s.Location, s.Plan, s.Group)
	}
	tw.Flush()
	fmt.Fprintf(w, "%d live server(s) in the fleet.\n", len(inv.Servers))
	if len(inv.NotLive) > 0 {
		fmt.Fprintf(w, "Declared but not live (apply creates them): %s.\n", strings.Join(inv.NotLive, ", "))
	}
}

// ansibleInventory is inv as Ansible's dynamic inventory document (what an
// inventory script prints for --list): one group per server block label
// (ansibleGroup), every group a child of "all", and each host's variables
// in _meta.hostvars, so that Ansible never asks --host.
func ansibleInventory(inv *inventory) map[string]any {
	hostvars := map[string]any{}
	groups := map[string][]string{}
	var order []string
	for _, s := range inv.Servers {
		hostvars[s.Name] = ansibleVars(s)
		g := ansibleGroup(s.Group)
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], s.Name)
	}
	doc := map[string]any{
		"_meta": map[string]any{"hostvars": hostvars},
		"all":   map[string]any{"children": append([]string{"ungrouped"}, order...)},
	}
	for _, g := range order {
		doc[g] = map[string]any{"hosts": groups[g]}
	}
	return doc
}

// ansibleHostVars answers --host NAME: the variables of that server, or
// {} when the fleet has no live server of that name, as Ansible expects.
func ansibleHostVars(inv *inventory, name string) map[string]any {
	for _, s := range inv.Servers {
		if s.Name == name {
			return ansibleVars(s)
		}
	}
	return map[string]any{}
}

// ansibleVars are the host variables of s: ansible_host (its IPv4
// address, when it has one) and every field of inventory -json, prefixed
// vpsfleet_.
func ansibleVars(s inventoryServer) map[string]any {
	vars := map[string]any{
		"vpsfleet_id":       s.ID,
		"vpsfleet_name":     s.Name,
		"vpsfleet_status":   s.Status,
		"vpsfleet_ipv4":     s.IPv4,
		"vpsfleet_ipv6":     s.IPv6,
		"vpsfleet_hostname": s.Hostname,
		"vpsfleet_location": s.Location,
		"vpsfleet_plan_id":  s.PlanID,
		"vpsfleet_plan":     s.Plan,
		"vpsfleet_group":    s.Group,
	}
	if s.IPv4 != nil {
		vars["ansible_host"] = *s.IPv4
	}
	return vars
}

// ansibleGroup is a server block label as an Ansible group name: every
// character that is not a letter, digit or underscore becomes an
// underscore (Ansible warns about others), a leading digit gets an
// underscore before it, and the names Ansible reserves (all, ungrouped)
// get "_servers" after them.
func ansibleGroup(label string) string {
	var b strings.Builder
	for i, r := range label {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			if i == 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	g := b.String()
	if g == "all" || g == "ungrouped" || g == "" {
		g += "_servers"
	}
	return g
}
