package cli

import (
	"flag"
	"fmt"
	"os"

	"github.com/vpsfleet/vpsfleet/internal/journal"
	"github.com/vpsfleet/vpsfleet/internal/lock"
	"github.com/vpsfleet/vpsfleet/internal/runinfo"
)

const runsDescription = `
Show the run journal kept in the lock database: every apply, destroy and
server command run with a lock URL, newest first, with who ran it (user,
host, pid, command line without secrets, CI run), when, the fleet's hash,
the plan's counts, each server's outcome and the exit status. A run that
is still going shows as running; one whose process died before it could
record its end shows as unfinished.

"Who deleted web-03, and when?": vpsfleet runs -server web-03`

var runsCommand = &command{
	name:        "runs",
	synopsis:    "Show who applied or destroyed what, and when (the run journal)",
	usage:       "[-json] [-limit N] [-server NAME] [-lock-scope S] [-lock-url URL]",
	description: runsDescription,
	flags: func(c *cli, fs *flag.FlagSet) func([]string) int {
		var o runsFlags
		fs.StringVar(&o.url, "lock-url", "", "PostgreSQL `URL` of the lock database that holds the journal (default $"+envLockURL+")")
		fs.BoolVar(&o.json, "json", false, "print the runs as one JSON document")
		fs.IntVar(&o.limit, "limit", journal.DefaultLimit, fmt.Sprintf("show at most `N` runs, newest first (1 to %d)", journal.MaxLimit))
		fs.StringVar(&o.server, "server", "", "only runs that touched the server of this `name`, with only its row")
		fs.StringVar(&o.scope, "lock-scope", "", "only runs of this lock `scope` (an endpoint URL or a -lock-scope name; default: every scope)")
		return func(pos []string) int { return c.runRuns(pos, o) }
	},
}

// runsFlags holds the flags of runs.
type runsFlags struct {
	url, server, scope string
	json               bool
	limit              int
}

// runRuns lists the journal's runs as o asks.
func (c *cli) runRuns(pos []string, o runsFlags) int {
	if len(pos) > 0 {
		return c.errorf("runs takes no arguments, got %q; to see the runs that touched one server, use -server NAME.", pos[0])
	}
	if o.limit < 1 || o.limit > journal.MaxLimit {
		return c.errorf("-limit %d: give 1 to %d runs", o.limit, journal.MaxLimit)
	}
	dbURL := c.lockURL(o.url)
	if dbURL == "" {
		return c.errorf("runs reads the run journal in the lock database: give its URL with -lock-url postgres://USER:PASSWORD@HOST:PORT/DATABASE, or set %s.", envLockURL)
	}
	ctx, stop := signalContext()
	defer stop()
	// A lock session that takes no lock: the same connection rules and
	// error messages (never the password) as the runs that write.
	db, err := lock.OpenPostgres(ctx, lock.Options{URL: dbURL, Scope: "vpsfleet runs", Process: runinfo.Current(os.Args)})
	if err != nil {
		return c.errorf("%v", err)
	}
	defer db.Close()
	j, err := journal.Open(ctx, db, journal.Options{})
	if err != nil {
		return c.errorf("%v", err)
	}
	runs, err := j.List(ctx, journal.ListOptions{Scope: o.scope, Server: o.server, Limit: o.limit})
	if err != nil {
		return c.errorf("%v", err)
	}
	if o.json {
		err = printJSON(c.stdout, journal.NewDocument(runs))
	} else {
		err = journal.WriteText(c.stdout, runs)
	}
	if err != nil {
		return c.errorf("writing the runs: %v", err)
	}
	return exitOK
}
