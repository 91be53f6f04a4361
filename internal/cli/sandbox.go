package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/vpsfleet/vpsfleet/api/sandbox"
)

const sandboxServeDescription = `
Serve the embedded VPS.org sandbox account over HTTP: every endpoint of the
servers API, with the same status codes and bodies, plus faults for testing.
The account persists in the state file, so "-endpoint sandbox:FILE" sees it
once the server has stopped.

Try the API's own examples against it:
  curl -H "Authorization: Bearer sandbox" http://127.0.0.1:8080/api/v1/servers/
or point vpsfleet at it:
  VPSORG_ENDPOINT=http://127.0.0.1:8080 VPSORG_TOKEN=sandbox vpsfleet server list

Extra routes: POST /_sandbox/servers/ID/suspend/ and /unsuspend/ play the
provider; GET /_sandbox/stats counts requests by route.`

var sandboxCommand = &command{
	name:        "sandbox",
	synopsis:    "Run the embedded VPS.org sandbox account: sandbox serve",
	description: "The embedded VPS.org sandbox account, for trying vpsfleet and for tests.",
	subcommands: []*command{sandboxServeCommand},
}

var sandboxServeCommand = &command{
	name:        "serve",
	synopsis:    "Serve the sandbox account over HTTP",
	usage:       "[flags]",
	description: sandboxServeDescription,
	flags: func(c *cli, fs *flag.FlagSet) func([]string) int {
		def := sandbox.DefaultOptions()
		opts := def
		addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
		fs.StringVar(&opts.StatePath, "state", defaultSandboxState, "state file of the account (\"\" keeps it in memory)")
		fs.StringVar(&opts.Token, "token", "sandbox", "bearer token the account accepts")
		fs.DurationVar(&opts.ProvisionDelay, "provision-delay", def.ProvisionDelay, "time from provisioning to active")
		fs.DurationVar(&opts.TransitionDelay, "transition-delay", def.TransitionDelay, "time of stopping, starting and rebooting")
		fs.Int64Var(&opts.Credits, "credits", def.Credits, "credit balance of a new account (plan 1 costs 10, plan 2 costs 20)")
		fs.IntVar(&opts.PageSize, "page-size", def.PageSize, "servers per list page")
		fs.Float64Var(&opts.FaultRate, "fault-rate", 0, "share of API requests answered 500/502/503 or reset (0 to 1)")
		fs.Float64Var(&opts.DropRate, "drop-rate", 0, "share of creates that commit the server but lose the response (0 to 1)")
		fs.DurationVar(&opts.Latency, "latency", 0, "delay added to every API request")
		fs.Float64Var(&opts.RateLimit, "rate-limit", 0, "API requests a second before 429 Too Many Requests (0: no limit)")
		fs.Int64Var(&opts.Seed, "seed", 0, "seed of the fault and address randomness (0: random)")
		fs.BoolVar(&opts.Empty, "empty", false, "a new account starts with no servers (default: the API documentation's two example servers)")
		return func(pos []string) int { return c.serveSandbox(pos, *addr, opts) }
	},
}

// serveSandbox serves the sandbox account with opts on addr until Ctrl-C.
func (c *cli) serveSandbox(pos []string, addr string, opts sandbox.Options) int {
	if len(pos) > 0 {
		return c.errorf("sandbox serve takes no arguments, got %q.", pos)
	}
	if err := validateSandboxFlags(opts); err != nil {
		return c.errorf("%v", err)
	}
	opts.Credits = sandboxCredits(opts.Credits)
	acct, err := sandbox.New(opts)
	if err != nil {
		return c.errorf("%v", err)
	}
	defer acct.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return c.errorf("cannot listen on %s: %v\nPick another address with -addr, e.g. -addr 127.0.0.1:8081.", addr, err)
	}
	srv := &http.Server{Handler: acct, ReadHeaderTimeout: 10 * time.Second}
	state := opts.StatePath
	if state == "" {
		state = "memory only"
	}
	tokenNote := `"sandbox"`
	if opts.Token != "" && opts.Token != "sandbox" {
		tokenNote = "as given with -token"
	}
	// Signals are caught before the banner says to press Ctrl-C.
	ctx, stop := signalContext()
	defer stop()
	fmt.Fprintf(c.stdout, "VPS.org sandbox serving on http://%s (token %s, state %s).\nPress Ctrl-C to stop.\n", ln.Addr(), tokenNote, state)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return c.errorf("sandbox server: %v", err)
		}
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}
	if err := acct.Close(); err != nil {
		return c.errorf("saving sandbox state: %v", err)
	}
	if opts.StatePath == "" {
		fmt.Fprintf(c.stdout, "Sandbox stopped; its state was kept in memory only (-state \"\") and is gone.\n")
	} else {
		fmt.Fprintf(c.stdout, "Sandbox stopped; state saved in %s.\n", opts.StatePath)
	}
	return exitOK
}

// validateSandboxFlags rejects values the account cannot honour.
func validateSandboxFlags(o sandbox.Options) error {
	for _, r := range []struct {
		name string
		v    float64
	}{{"-fault-rate", o.FaultRate}, {"-drop-rate", o.DropRate}} {
		if r.v < 0 || r.v > 1 {
			return fmt.Errorf("%s %v is out of range: give a share from 0 to 1, e.g. 0.2", r.name, r.v)
		}
	}
	switch {
	case o.RateLimit < 0:
		return fmt.Errorf("-rate-limit %v is negative: give requests a second, or 0 for no limit", o.RateLimit)
	case o.PageSize < 1:
		return fmt.Errorf("-page-size %d: a page holds at least one server", o.PageSize)
	case o.Credits < 0:
		return fmt.Errorf("-credits %d is negative", o.Credits)
	case o.ProvisionDelay < 0 || o.TransitionDelay < 0 || o.Latency < 0:
		return fmt.Errorf("delays cannot be negative")
	}
	return nil
}

// sandboxCredits maps a balance people give (0 meaning none) to
// sandbox.Options.Credits, where 0 means the default and a negative value
// an empty balance.
func sandboxCredits(n int64) int64 {
	if n == 0 {
		return -1
	}
	return n
}
