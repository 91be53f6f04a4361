package apply

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
	"github.com/vpsfleet/vpsfleet/engine"
)

// The environment a health check runs with: vpsfleet's own, without the
// secrets below, and these facts of the server it checks.
const (
	// EnvServerName is the server's name as the fleet gives it (a
	// create_before_destroy replacement is checked while it still runs
	// under its temporary name).
	EnvServerName = "VPSFLEET_SERVER_NAME"
	// EnvServerID is the server's id.
	EnvServerID = "VPSFLEET_SERVER_ID"
	// EnvServerIPv4 and EnvServerIPv6 are its addresses ("" when it has
	// none).
	EnvServerIPv4 = "VPSFLEET_SERVER_IPV4"
	EnvServerIPv6 = "VPSFLEET_SERVER_IPV6"
	// EnvServerHostname is its hostname ("" when it has none).
	EnvServerHostname = "VPSFLEET_SERVER_HOSTNAME"
	// EnvGroup is the label of its server block.
	EnvGroup = "VPSFLEET_GROUP"
	// EnvBatch is the rollout batch it came up in ("" when none).
	EnvBatch = "VPSFLEET_BATCH"
	// EnvAttempt is which run of the check this is, from 1.
	EnvAttempt = "VPSFLEET_CHECK_ATTEMPT"
)

// secretEnv are variables a health check never sees: the API token and
// the lock database's URL, which may hold a password.
var secretEnv = []string{"VPSORG_TOKEN", "VPSFLEET_LOCK_URL"}

// checkOutputBytes bounds the output of a health check kept for its
// error message: the last bytes, where the reason usually is.
const checkOutputBytes = 2048

// checkRunner runs one attempt of a health check's command in dir with
// env, and returns its combined output (as much as it keeps) and how it
// ended; it must end once ctx does.
type checkRunner func(ctx context.Context, command, env []string, dir string) (output []byte, err error)

// HealthCheckError is a health check that did not pass: every attempt
// failed.
type HealthCheckError struct {
	Name    string
	ID      int64
	Command []string
	// Attempts is how many times the command ran.
	Attempts int
	// Last is how the last attempt ended: its exit status, a timeout, or
	// why it could not run.
	Last error
	// Output is the end of the last attempt's output, on one line.
	Output string
}

// Error says what was checked, how often and how the last run ended.
func (e *HealthCheckError) Error() string {
	times := "once"
	if e.Attempts > 1 {
		times = fmt.Sprintf("%d times", e.Attempts)
	}
	msg := fmt.Sprintf("the health check of %s (id %d) failed %s: %s: %v", e.Name, e.ID, times, engine.HealthCheck{Command: e.Command}.CommandLine(), e.Last)
	if e.Output != "" {
		msg += "; its output ended: " + e.Output
	}
	return msg
}

// healthCheck of a group, nil when it has none.
func (r *run) healthCheck(group string) *engine.HealthCheck {
	if g := r.groups[group]; g != nil && g.Rollout != nil {
		return g.Rollout.HealthCheck
	}
	return nil
}

// healthy runs the health check of the chain's group on server id, which
// has just become active, and goes on with k: its error is a
// *HealthCheckError when the check did not pass. Without a health check
// it goes on at once. The command runs off the workers, with the server's
// facts (read with one GET) in its environment; the first Ctrl-C ends it.
func (ch *chain) healthy(id int64, k then) move {
	hc := ch.r.healthCheck(ch.c.Group)
	if hc == nil || len(hc.Command) == 0 {
		return k(nil)
	}
	if err := ch.gate(); err != nil {
		return k(err)
	}
	srv, err := ch.get(id)
	if err != nil {
		return k(fmt.Errorf("reading %s (id %d) for its health check: %w", ch.c.Name, id, err))
	}
	s := ch.begin(StepHealthCheck, id, hc.CommandLine())
	env := ch.checkEnv(srv)
	return move{background: func(ctx context.Context) func() move {
		err := ch.r.runHealthCheck(ctx, hc, env, ch.c.Name, id)
		return func() move { return k(s.end(err)) }
	}}
}

// checkEnv is the environment of a health check of srv.
func (ch *chain) checkEnv(srv *api.Server) []string {
	env := make([]string, 0, len(ch.r.baseEnv)+8)
	env = append(env, ch.r.baseEnv...)
	batch := ""
	if ch.batch.Number > 0 {
		batch = strconv.Itoa(ch.batch.Number)
	}
	return append(env,
		EnvServerName+"="+ch.c.Name,
		EnvServerID+"="+strconv.FormatInt(srv.ID, 10),
		EnvServerIPv4+"="+deref(srv.IPAddress),
		EnvServerIPv6+"="+deref(srv.IPv6Address),
		EnvServerHostname+"="+srv.Hostname,
		EnvGroup+"="+ch.c.Group,
		EnvBatch+"="+batch,
	)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// checkBaseEnv is this process's environment without secretEnv.
func checkBaseEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		secret := false
		for _, s := range secretEnv {
			secret = secret || strings.EqualFold(name, s)
		}
		if !secret {
			out = append(out, kv)
		}
	}
	return out
}

// runHealthCheck runs hc's command until it passes, at most Retries+1
// times, Interval apart, each run bounded by Timeout. It returns nil once
// a run exits 0, the run's stop error once ctx ends, else a
// *HealthCheckError.
func (r *run) runHealthCheck(ctx context.Context, hc *engine.HealthCheck, env []string, name string, id int64) error {
	attempts := hc.Retries + 1
	var last error
	var output []byte
	for n := 1; n <= attempts; n++ {
		if n > 1 {
			t := time.NewTimer(hc.Interval)
			select {
			case <-ctx.Done():
				t.Stop()
				return r.stopErr()
			case <-t.C:
			}
		}
		actx, cancel := context.WithTimeout(ctx, hc.Timeout)
		output, last = r.opts.runCheck(actx, hc.Command, append(env, EnvAttempt+"="+strconv.Itoa(n)), hc.Dir)
		timedOut := errors.Is(actx.Err(), context.DeadlineExceeded)
		cancel()
		if last == nil {
			return nil
		}
		if ctx.Err() != nil {
			return r.stopErr()
		}
		if timedOut {
			last = fmt.Errorf("it did not end within its timeout of %s", formatDuration(hc.Timeout))
		}
	}
	return &HealthCheckError{Name: name, ID: id, Command: hc.Command, Attempts: attempts, Last: last, Output: lastLine(output)}
}

// lastLine is the end of out on one line, its line breaks made "; ".
func lastLine(out []byte) string {
	s := strings.TrimSpace(string(out))
	s = strings.NewReplacer("\r\n", "; ", "\n", "; ", "\r", "; ").Replace(s)
	if len(s) > 300 {
		s = "…" + s[len(s)-300:]
	}
	return s
}

// execCheck is the checkRunner of a real run: the command as a process
// of this machine, killed when ctx ends; what it writes is read, and the
// last checkOutputBytes of it kept.
func execCheck(ctx context.Context, command, env []string, dir string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, command[0], command[1:]...)
	cmd.Env, cmd.Dir = env, dir
	out := &tailBuffer{max: checkOutputBytes}
	cmd.Stdout, cmd.Stderr = out, out
	// A child the command left behind may keep its output open: stop
	// reading a second after the command itself has ended.
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.Exited():
		err = fmt.Errorf("it exited with status %d", exit.ExitCode())
	case err != nil && ctx.Err() == nil && !errors.As(err, &exit):
		err = fmt.Errorf("it could not run (%v; the command runs in %s)", err, dirName(dir))
	}
	return out.Bytes(), err
}

// dirName names the directory a check runs in, for messages.
func dirName(dir string) string {
	if dir == "" {
		return "the working directory"
	}
	return dir
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int
	b   bytes.Buffer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if len(p) > t.max {
		p = p[len(p)-t.max:]
	}
	if over := t.b.Len() + len(p) - t.max; over > 0 {
		t.b.Next(over)
	}
	t.b.Write(p)
	return n, nil
}

func (t *tailBuffer) Bytes() []byte { return t.b.Bytes() }
