package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/api/sandbox"
)

// defaultSandboxState is where "-endpoint sandbox" keeps its account,
// relative to the working directory.
const defaultSandboxState = ".vpsfleet/sandbox.json"

// sandboxEndpointURL is the base URL the in-process sandbox is reached at;
// no network is involved.
const sandboxEndpointURL = "http://sandbox.vpsfleet.internal"

// accountFlags are the flags of every command that talks to the account.
type accountFlags struct {
	endpoint       string
	token          string
	requestTimeout time.Duration
	// parallelism is the -parallelism of the command, when it has one:
	// the client keeps that many connections (plus two) open.
	parallelism int
	// readOnly says the command only reads the account (plan, export,
	// server list and get): the in-process sandbox is then opened
	// read-only when another process (an apply) holds its state file,
	// instead of refusing.
	readOnly bool
}

// register adds -endpoint, -token and -request-timeout to fs.
func (a *accountFlags) register(fs *flag.FlagSet) {
	fs.DurationVar(&a.requestTimeout, "request-timeout", api.DefaultRequestTimeout, "how long one API request (sending it and reading its whole answer) may take before it is retried or fails")
	fs.StringVar(&a.endpoint, "endpoint", "", "API endpoint: a `URL`, sandbox (the embedded account in "+defaultSandboxState+") or sandbox:PATH (default $VPSORG_ENDPOINT, else "+api.DefaultEndpoint+")")
	fs.StringVar(&a.token, "token", "", "API `token` (default $VPSORG_TOKEN); prefer the environment variable, which no process listing shows")
}

// connection is a client for the account a command works on, with what
// must be released when the command ends.
type connection struct {
	client *api.Client
	// endpoint names the account for people and saved plans: a URL or
	// "sandbox:PATH" with PATH absolute. Never the token.
	endpoint string
	account  *sandbox.Account // non-nil for the in-process sandbox
}

// Close releases the in-process sandbox's state file, if any.
func (c *connection) Close() error {
	if c.account != nil {
		return c.account.Close()
	}
	return nil
}

// connect resolves the endpoint and token (flags over environment) into a
// client. "sandbox" and "sandbox:PATH" run the embedded account in-process
// on that state file, with the token given or "sandbox".
func (c *cli) connect(f accountFlags) (*connection, error) {
	endpoint := f.endpoint
	if endpoint == "" {
		endpoint = c.getenv("VPSORG_ENDPOINT")
	}
	token := f.token
	if token == "" {
		token = c.getenv("VPSORG_TOKEN")
	}
	timeout := f.requestTimeout
	switch {
	case timeout < 0:
		return nil, fmt.Errorf("-request-timeout %s: give a positive duration such as 30s", timeout)
	case timeout == 0:
		timeout = api.DefaultRequestTimeout
	}
	if endpoint == "sandbox" || strings.HasPrefix(endpoint, "sandbox:") {
		return c.connectSandbox(strings.TrimPrefix(strings.TrimPrefix(endpoint, "sandbox"), ":"), token, timeout, f.readOnly)
	}
	if endpoint == "" {
		endpoint = api.DefaultEndpoint
	}
	if token == "" {
		return nil, fmt.Errorf("no API token for %s: set VPSORG_TOKEN (or pass -token).\nTo try vpsfleet without an account, use -endpoint sandbox", endpoint)
	}
	parallelism := f.parallelism
	if parallelism < 1 {
		parallelism = api.DefaultParallelism
	}
	client, err := api.New(endpoint, token, api.WithUserAgent("vpsfleet/"+version()), api.WithRequestTimeout(timeout), api.WithParallelism(parallelism))
	if err != nil {
		return nil, err
	}
	return &connection{client: client, endpoint: client.Endpoint()}, nil
}

// connectSandbox opens the embedded account on the state file at path
// ("" = the default) and returns a client served by it in-process. With
// readOnly, a state file another process holds is read as it is on disk
// (and again as it changes), every change is refused, and a note on
// stderr says so.
func (c *cli) connectSandbox(path, token string, timeout time.Duration, readOnly bool) (*connection, error) {
	if path == "" {
		path = defaultSandboxState
	}
	path = filepath.Clean(path)
	if token == "" {
		token = "sandbox"
	}
	opts, err := c.sandboxOptionsFromEnv()
	if err != nil {
		return nil, err
	}
	opts.StatePath = path
	opts.Token = token
	opts.ReadOnlyIfLocked = readOnly
	acct, err := sandbox.New(opts)
	if err != nil {
		return nil, err
	}
	if acct.ReadOnly() {
		fmt.Fprintf(c.stderr, "Note: another process (an apply, most likely) holds the sandbox state %s; this command reads it as it is on disk, read-only.\n", path)
	}
	client, err := api.New(sandboxEndpointURL, token, api.WithHandler(acct), api.WithUserAgent("vpsfleet/"+version()), api.WithRequestTimeout(timeout))
	if err != nil {
		acct.Close()
		return nil, err
	}
	// The absolute path names the account, so that a plan saved against
	// the sandbox of one directory is refused in another.
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	return &connection{client: client, endpoint: "sandbox:" + abs, account: acct}, nil
}

// sandboxOptionsFromEnv returns the demo defaults, overridden by
// VPSFLEET_SANDBOX_PROVISION_DELAY, _TRANSITION_DELAY (durations),
// _CREDITS (a whole number, for a new account), _PAGE_SIZE and _EMPTY
// (true: a new account starts with no servers).
func (c *cli) sandboxOptionsFromEnv() (sandbox.Options, error) {
	opts := sandbox.DefaultOptions()
	durations := map[string]*time.Duration{
		"VPSFLEET_SANDBOX_PROVISION_DELAY":  &opts.ProvisionDelay,
		"VPSFLEET_SANDBOX_TRANSITION_DELAY": &opts.TransitionDelay,
	}
	for name, dst := range durations {
		if v := c.getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return opts, fmt.Errorf("%s=%q is not a duration such as 3s or 500ms", name, v)
			}
			*dst = d
		}
	}
	if v := c.getenv("VPSFLEET_SANDBOX_CREDITS"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return opts, fmt.Errorf("VPSFLEET_SANDBOX_CREDITS=%q is not a whole number of credits", v)
		}
		opts.Credits = sandboxCredits(n)
	}
	if v := c.getenv("VPSFLEET_SANDBOX_PAGE_SIZE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return opts, fmt.Errorf("VPSFLEET_SANDBOX_PAGE_SIZE=%q is not a positive whole number", v)
		}
		opts.PageSize = n
	}
	if v := c.getenv("VPSFLEET_SANDBOX_EMPTY"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return opts, fmt.Errorf("VPSFLEET_SANDBOX_EMPTY=%q is not true or false", v)
		}
		opts.Empty = b
	}
	return opts, nil
}

// accountError is err, from a request to the account at endpoint, with a
// line saying what to do when the cause is one people can act on: a
// refused token, an endpoint that does not answer, or throttling. It
// never shows the token.
func accountError(endpoint string, err error) error {
	var apiErr *api.Error
	if !errors.As(err, &apiErr) {
		return err
	}
	switch {
	case errors.Is(err, context.Canceled) && !apiErr.OutcomeUnknown:
		return fmt.Errorf("%w\nInterrupted (Ctrl-C) before the answer came", err)
	case api.IsUnauthorized(err):
		return fmt.Errorf("%w\nThe API token was refused: check that VPSORG_TOKEN (or -token) holds a valid token for %s", err, endpoint)
	case apiErr.Status == 0 && !apiErr.OutcomeUnknown:
		return fmt.Errorf("%w\nCheck that %s is reachable, or point vpsfleet at another endpoint with -endpoint or VPSORG_ENDPOINT (sandbox runs the embedded account)", err, endpoint)
	case api.IsRateLimited(err):
		return fmt.Errorf("%w\nThe API is throttling requests: wait a minute, then run the command again", err)
	}
	return err
}
