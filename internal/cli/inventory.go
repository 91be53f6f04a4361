package cli

import (
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/schema"
)

const inventoryDescription = `
List the live servers of the fleet in PATH (default: the working directory):
every server a server block declares, matched with the account as plan
matches them (by name, or through a moved block). Nothing is changed.

As a table (default), as JSON (-json), or as an Ansible dynamic inventory
(-ansible): one group per server block label, ansible_host set to the IPv4
address. Ansible runs an inventory script with --list or --host NAME; an
executable file holding
  #!/bin/sh
  exec vpsfleet inventory -ansible /path/to/fleet "$@"
is one (ansible-inventory -i FILE --list).`

var inventoryCommand = &command{
	name:        "inventory",
	synopsis:    "List the fleet's live servers, for people, scripts or Ansible",
	usage:       "[-json | -ansible [-list | -host NAME]] [-parallelism N] [-var k=v] [-var-file F] [-endpoint E] [PATH]",
	description: inventoryDescription,
	flags: func(c *cli, fs *flag.FlagSet) func([]string) int {
		var o inventoryFlags
		o.fleet.register(fs)
		o.account.register(fs)
		fs.IntVar(&o.account.parallelism, "parallelism", 10, "API requests in flight (one detail GET per server: only details carry IPv6)")
		fs.BoolVar(&o.json, "json", false, "print the servers as one JSON document")
		fs.BoolVar(&o.ansible, "ansible", false, "print an Ansible dynamic inventory (the --list document)")
		fs.BoolVar(&o.list, "list", false, "with -ansible: the whole inventory, as Ansible asks an inventory script with --list (the default)")
		fs.StringVar(&o.host, "host", "", "with -ansible: the variables of one server, as Ansible asks an inventory script with --host `NAME`")
		return func(pos []string) int { return c.runInventory(pos, o) }
	},
}

// inventoryFlags are the flags of inventory.
type inventoryFlags struct {
	fleet               fleetFlags
	account             accountFlags
	json, ansible, list bool
	host                string
}

// check refuses flags that do not go together.
func (o inventoryFlags) check() error {
	switch {
	case o.json && o.ansible:
		return errors.New("-json and -ansible cannot be combined: choose one output")
	case (o.list || o.host != "") && !o.ansible:
		return errors.New("-list and -host answer Ansible's questions to an inventory script: add -ansible")
	case o.list && o.host != "":
		return errors.New("-list and -host cannot be combined: Ansible asks one question at a time")
	}
	return nil
}

// inventoryServer is one live server of the fleet, as inventory shows it.
type inventoryServer struct {
	// Name is the live server's name.
	Name string `json:"name"`
	// DeclaredAs is the declared name when the live server still carries
	// a moved block's from name; "" otherwise.
	DeclaredAs string     `json:"declared_as,omitempty"`
	ID         int64      `json:"id"`
	Status     api.Status `json:"status"`
	// IPv4, IPv6 and Hostname are nil when the server has none.
	IPv4     *string `json:"ipv4"`
	IPv6     *string `json:"ipv6"`
	Hostname *string `json:"hostname"`
	Location string  `json:"location"`
	PlanID   int64   `json:"plan_id"`
	Plan     string  `json:"plan"`
	// Group is the label of the declaring server block.
	Group string `json:"group"`
}

// inventory is the fleet's live servers, sorted by name, and the declared
// servers not live yet.
type inventory struct {
	Servers []inventoryServer
	NotLive []string
}

// runInventory lists the fleet at the one optional path of pos.
func (c *cli) runInventory(pos []string, o inventoryFlags) int {
	if err := o.check(); err != nil {
		return c.errorf("%v", err)
	}
	if err := checkParallelism(o.account.parallelism); err != nil {
		return c.errorf("%v", err)
	}
	path, ok := c.atMostOne("inventory", pos)
	if !ok {
		return exitError
	}
	fleet := c.load(path, o.fleet)
	if fleet == nil {
		return exitError
	}
	conn, err := c.connect(o.account)
	if err != nil {
		return c.errorf("%v", err)
	}
	defer conn.Close()
	ctx, stop := signalContext()
	defer stop()
	// A Stable listing (a server missing from it is reported as not
	// live), then the detail of each server the fleet may claim.
	live, err := engine.ReadDetailed(ctx, conn.client, claimable(fleet), o.account.parallelism)
	if err != nil {
		return c.errorf("reading the account at %s: %v", conn.endpoint, accountError(conn.endpoint, err))
	}
	inv, err := fleetInventory(fleet, live)
	if err != nil {
		return c.errorf("%v", err)
	}
	switch {
	case o.json:
		err = printJSON(c.stdout, inventoryDocument(inv))
	case o.ansible && o.host != "":
		err = printJSON(c.stdout, ansibleHostVars(inv, o.host))
	case o.ansible:
		err = printJSON(c.stdout, ansibleInventory(inv))
	default:
		writeInventoryTable(c.stdout, inv)
	}
	if err != nil {
		return c.errorf("writing the inventory: %v", err)
	}
	return exitOK
}

// claimable reports whether a live server of that name may be one of the
// fleet's: a declared name or the from name of a moved block.
func claimable(fleet *schema.Fleet) func(api.Server) bool {
	names := make(map[string]bool, len(fleet.Servers)+len(fleet.Moves))
	for i := range fleet.Servers {
		names[fleet.Servers[i].Name] = true
	}
	for _, mv := range fleet.Moves {
		names[mv.From] = true
	}
	return func(s api.Server) bool { return names[s.Name] }
}

// fleetInventory matches live with fleet as plan does (engine.Match) and
// lists every declared server that has its live server. A declared name
// carried by several live servers is an error, as in plan: which of them
// is the fleet's cannot be told.
func fleetInventory(fleet *schema.Fleet, live []api.Server) (*inventory, error) {
	m := engine.Match(fleet, live, nil)
	inv := &inventory{Servers: []inventoryServer{}, NotLive: []string{}}
	var dups []string
	for _, p := range m.Pairs {
		switch len(p.Live) {
		case 0:
			inv.NotLive = append(inv.NotLive, p.Desired.Name)
		case 1:
			inv.Servers = append(inv.Servers, newInventoryServer(p.Live[0], p.Desired))
		default:
			ids := make([]string, len(p.Live))
			for i, s := range p.Live {
				ids[i] = fmt.Sprint(s.ID)
			}
			dups = append(dups, fmt.Sprintf("%s is carried by %d live servers (ids %s)", p.Live[0].Name, len(p.Live), strings.Join(ids, ", ")))
		}
	}
	if len(dups) > 0 {
		return nil, fmt.Errorf("%s.\nLike plan, inventory does not guess which of them the fleet means: delete the one not in use (vpsfleet server delete ID), then run inventory again", strings.Join(dups, ";\n"))
	}
	slices.SortFunc(inv.Servers, func(a, b inventoryServer) int { return strings.Compare(a.Name, b.Name) })
	slices.Sort(inv.NotLive)
	return inv, nil
}

// newInventoryServer describes live server s, declared as d.
func newInventoryServer(s *api.Server, d *schema.DesiredServer) inventoryServer {
	out := inventoryServer{
		Name:     s.Name,
		ID:       s.ID,
		Status:   s.Status,
		IPv4:     nonEmpty(s.IPAddress),
		IPv6:     nonEmpty(s.IPv6Address),
		Location: s.Location,
		PlanID:   s.Plan.ID,
		Plan:     s.Plan.Name,
		Group:    d.Group,
	}
	if s.Hostname != "" {
		h := s.Hostname
		out.Hostname = &h
	}
	if s.Name != d.Name {
		out.DeclaredAs = d.Name
	}
	if out.Group == "" {
		out.Group = d.Name
	}
	return out
}

// nonEmpty is a copy of *s, or nil when s is nil or empty.
func nonEmpty(s *string) *string {
	if s == nil || *s == "" {
		return nil
	}
	v := *s
	return &v
}
