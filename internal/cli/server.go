package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine/apply"
)

var serverCommand = &command{
	name:        "server",
	synopsis:    "Imperative server commands: list, get, create, update, delete, start, stop, reboot",
	description: "Imperative commands on single servers, for people and scripts. Every subcommand also takes -endpoint and -token.",
	subcommands: []*command{
		serverSubcommand("list", "[-status S] [-location L] [-json]",
			"List the servers of the account (every page), as a table or, with -json, as an array of the API's objects."),
		serverSubcommand("get", "ID|NAME [-json]", "Show one server in detail. A name must be carried by exactly one server."),
		serverSubcommand("create", "-name N -plan-id P -os-id O -location L [-hostname H] [-ssh-key-id K] [-backups] [-wait [-timeout D]] [-json]",
			"Create a server (POST). It starts out provisioning; -wait waits until it is active."),
		serverSubcommand("update", "ID|NAME [-name N] [-hostname H] [-backups=true|false] [-json]",
			"Change a server's name, hostname or backups (PATCH of the fields given)."),
		serverSubcommand("delete", "ID|NAME", "Delete a server. This cannot be undone."),
		serverSubcommand("start", "ID|NAME [-wait [-timeout D]] [-json]", "Start a stopped server; -wait waits until it is active."),
		serverSubcommand("stop", "ID|NAME [-wait [-timeout D]] [-json]", "Stop a running server; -wait waits until it is stopped."),
		serverSubcommand("reboot", "ID|NAME [-wait [-timeout D]] [-json]", "Reboot a running server; -wait waits until it is active again."),
	},
}

// serverSubcommand is the table entry of "vpsfleet server NAME".
func serverSubcommand(name, usage, description string) *command {
	return &command{
		name:        name,
		synopsis:    description,
		usage:       usage,
		description: description,
		flags: func(c *cli, fs *flag.FlagSet) func([]string) int {
			s := &serverCmd{cli: c, name: name}
			s.account.register(fs)
			s.registerFlags(fs)
			return func(pos []string) int {
				s.set = map[string]bool{}
				fs.Visit(func(f *flag.Flag) { s.set[f.Name] = true })
				return s.run(pos)
			}
		},
	}
}

// serverWaitInterval is how often "-wait" polls the server; tests shorten it.
var serverWaitInterval = 500 * time.Millisecond

// serverCmd holds the flags of one "server" subcommand.
type serverCmd struct {
	*cli
	name    string
	account accountFlags
	json    bool
	wait    bool
	timeout time.Duration

	status, location   string
	newName, hostname  string
	planID, osID, sshK int64
	backups            bool
	set                map[string]bool
}

func (s *serverCmd) registerFlags(fs *flag.FlagSet) {
	if s.name != "delete" {
		fs.BoolVar(&s.json, "json", false, "print the API's JSON object instead of a table")
	}
	switch s.name {
	case "list":
		fs.StringVar(&s.status, "status", "", "only servers with this status (active, stopped, suspended, ...)")
		fs.StringVar(&s.location, "location", "", "only servers in this location (us-west, us-east, ...)")
	case "create":
		fs.StringVar(&s.newName, "name", "", "server name: a letter, then letters, digits, hyphens (required)")
		fs.Int64Var(&s.planID, "plan-id", 0, "plan id, e.g. 1 Standard VPS, 2 Performance VPS (required)")
		fs.Int64Var(&s.osID, "os-id", 0, "operating system id, e.g. 5 Ubuntu 22.04 LTS, 3 Debian 12 (required)")
		fs.StringVar(&s.location, "location", "", "location code, e.g. us-west (required)")
		fs.StringVar(&s.hostname, "hostname", "", "hostname (an FQDN)")
		fs.Int64Var(&s.sshK, "ssh-key-id", 0, "SSH key id to install")
		fs.BoolVar(&s.backups, "backups", false, "enable automatic backups")
		fs.BoolVar(&s.wait, "wait", false, "wait until the server is active")
		fs.DurationVar(&s.timeout, "timeout", 10*time.Minute, "with -wait: give up waiting after this long")
	case "update":
		fs.StringVar(&s.newName, "name", "", "new name")
		fs.StringVar(&s.hostname, "hostname", "", "new hostname (an FQDN)")
		fs.BoolVar(&s.backups, "backups", false, "automatic backups: -backups=true or -backups=false")
	case "start", "stop", "reboot":
		fs.BoolVar(&s.wait, "wait", false, "wait until the server has reached its new status")
		fs.DurationVar(&s.timeout, "timeout", 10*time.Minute, "with -wait: give up waiting after this long")
	}
}

func (s *serverCmd) run(pos []string) int {
	var ref serverRef
	if s.name == "list" || s.name == "create" {
		if len(pos) > 0 {
			return s.errorf("server %s takes no arguments, got %q.", s.name, strings.Join(pos, " "))
		}
	} else {
		if len(pos) != 1 {
			return s.errorf("server %s needs exactly one server, by ID or name, e.g. vpsfleet server %s 12345.", s.name, s.name)
		}
		var err error
		if ref, err = parseServerRef(pos[0]); err != nil {
			return s.errorf("%v.", err)
		}
	}
	account := s.account
	account.readOnly = s.name == "list" || s.name == "get"
	conn, err := s.connect(account)
	if err != nil {
		return s.errorf("%v", err)
	}
	defer conn.Close()
	ctx, stop := signalContext()
	defer stop()
	id, err := ref.resolve(ctx, conn.client, s.name)
	if err != nil {
		return s.errorf("%v", accountError(conn.endpoint, err))
	}
	if err := s.do(ctx, conn.client, id); err != nil {
		return s.errorf("%v", accountError(conn.endpoint, err))
	}
	return exitOK
}

// do performs the subcommand against client.
func (s *serverCmd) do(ctx context.Context, client *api.Client, id int64) error {
	switch s.name {
	case "list":
		servers, err := client.ListServers(ctx, api.ListOptions{Status: api.Status(s.status), Location: s.location})
		if err != nil {
			return err
		}
		if s.json {
			if servers == nil {
				servers = []api.Server{}
			}
			return printJSON(s.stdout, servers)
		}
		writeServerTable(s.stdout, servers)
		return nil
	case "get":
		srv, err := client.GetServer(ctx, id)
		if err != nil {
			return err
		}
		return s.printServer(srv)
	case "create":
		return s.create(ctx, client)
	case "update":
		return s.update(ctx, client, id)
	case "delete":
		if err := client.DeleteServer(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "Server %d deleted.\n", id)
		return nil
	default:
		return s.power(ctx, client, id)
	}
}

func (s *serverCmd) create(ctx context.Context, client *api.Client) error {
	var missing []string
	for flagName, empty := range map[string]bool{"-name": s.newName == "", "-plan-id": s.planID == 0, "-os-id": s.osID == 0, "-location": s.location == ""} {
		if empty {
			missing = append(missing, flagName)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return fmt.Errorf("server create needs %s.\nExample: vpsfleet server create -name web-01 -plan-id 1 -os-id 5 -location us-west", strings.Join(missing, ", "))
	}
	req := api.CreateRequest{Name: s.newName, PlanID: s.planID, OSID: s.osID, Location: s.location, Hostname: s.hostname}
	if s.set["ssh-key-id"] {
		req.SSHKeyID = &s.sshK
	}
	if s.set["backups"] {
		req.BackupsEnabled = &s.backups
	}
	srv, err := client.CreateServer(ctx, req)
	if api.IsOutcomeUnknown(err) {
		return fmt.Errorf("%w\nThe server may exist now: check with \"vpsfleet server list\" before creating it again (or let \"vpsfleet apply\" do it, which checks for you)", err)
	}
	if err != nil {
		return err
	}
	if s.wait {
		if srv, err = waitForStatus(ctx, client, srv.ID, api.StatusActive, s.timeout); err != nil {
			return err
		}
	}
	return s.printServer(srv)
}

func (s *serverCmd) update(ctx context.Context, client *api.Client, id int64) error {
	var req api.UpdateRequest
	if s.set["name"] {
		req.Name = &s.newName
	}
	if s.set["hostname"] {
		req.Hostname = &s.hostname
	}
	if s.set["backups"] {
		req.BackupsEnabled = &s.backups
	}
	if req == (api.UpdateRequest{}) {
		return fmt.Errorf("server update needs at least one of -name, -hostname, -backups=true|false")
	}
	srv, err := client.UpdateServer(ctx, id, req)
	if err != nil {
		return err
	}
	return s.printServer(srv)
}

func (s *serverCmd) power(ctx context.Context, client *api.Client, id int64) error {
	var (
		res    *api.ActionResult
		err    error
		target = api.StatusActive
	)
	switch s.name {
	case "start":
		res, err = client.StartServer(ctx, id)
	case "stop":
		res, err = client.StopServer(ctx, id)
		target = api.StatusStopped
	case "reboot":
		res, err = client.RebootServer(ctx, id)
	}
	if err != nil {
		return err
	}
	if !s.wait {
		if s.json {
			return printJSON(s.stdout, res)
		}
		fmt.Fprintf(s.stdout, "%s (server %d %s, now %s)\n", res.Message, res.Server.ID, res.Server.Name, res.Server.Status)
		return nil
	}
	srv, err := waitForStatus(ctx, client, id, target, s.timeout)
	if err != nil {
		return err
	}
	return s.printServer(srv)
}

func (s *serverCmd) printServer(srv *api.Server) error {
	if s.json {
		return printJSON(s.stdout, srv)
	}
	writeServerDetail(s.stdout, srv)
	return nil
}

// waitForStatus waits, through the executor's shared poller, until the
// server has the status want, and returns its detail, and fails when it settles in another status,
// timeout passes, or the context ends, saying what to do.
func waitForStatus(ctx context.Context, client *api.Client, id int64, want api.Status, timeout time.Duration) (*api.Server, error) {
	srv, err := apply.WaitFor(ctx, client, id, "", want, apply.Options{
		Timeout:      timeout,
		PollInterval: serverWaitInterval,
	})
	var (
		settled *apply.SettledError
		expired *apply.TimeoutError
	)
	switch {
	case err == nil:
		// The poller sees list items; the detail holds what they lack
		// (backups, IPv6, usage).
		return client.GetServer(ctx, id)
	case errors.As(err, &settled):
		return &srv, fmt.Errorf("server %d (%s) is %s, not %s", id, srv.Name, srv.Status, want)
	case errors.As(err, &expired):
		return nil, fmt.Errorf("gave up after %s waiting for server %d (%s) to become %s: it is still %s; check again with \"vpsfleet server get %d\", or wait longer with -timeout", timeout, id, srv.Name, want, expired.LastStatus, id)
	case errors.Is(err, apply.ErrAbandoned), ctx.Err() != nil:
		return nil, fmt.Errorf("stopped waiting for server %d (%s) to become %s: it is still %s", id, srv.Name, want, srv.Status)
	}
	return nil, err
}
