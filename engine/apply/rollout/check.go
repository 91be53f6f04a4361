package rollout

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
	"github.com/vpsfleet/vpsfleet/internal/words"
)

// The environment a health check runs with: vpsfleet's own, without the
// secrets of SecretEnv, and these facts of the server it checks.
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

// SecretEnv returns the names of the variables a health check never
// sees (BaseEnv leaves them out, whatever their case): the API token and
// the lock database's URL, which may hold a password. The slice is a
// copy.
func SecretEnv() []string { return append([]string(nil), secretEnv...) }

// checkOutputBytes bounds the output of a health check kept for its
// error message: the last bytes, where the reason usually is.
const checkOutputBytes = 2048

// Attempt runs one attempt of a health check's command in dir with env,
// and returns its combined output (as much as it keeps) and how it
// ended; it must end once ctx does. Exec is the one of a real run.
type Attempt func(ctx context.Context, command, env []string, dir string) (output []byte, err error)

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

// Checker runs the health checks of a run.
type Checker struct {
	// Attempt runs one attempt of a check's command; nil: Exec.
	Attempt Attempt
	// Stopped is what Run returns when its context ends before a check
	// has passed or failed: why the run stopped. Nil: the context's
	// error.
	Stopped func() error
}

// Run runs hc's command on server name (id id) until it passes, at most
// Retries+1 times, Interval apart, each run bounded by Timeout, with env
// (see Env) and the attempt's number (EnvAttempt). It returns nil once a
// run exits 0, Stopped's error once ctx ends, else a *HealthCheckError.
// It never runs an attempt once ctx has ended.
func (c Checker) Run(ctx context.Context, hc *engine.HealthCheck, env []string, name string, id int64) error {
	attempt := c.Attempt
	if attempt == nil {
		attempt = Exec
	}
	stopped := func() error {
		if c.Stopped == nil {
			return ctx.Err()
		}
		return c.Stopped()
	}
	attempts := hc.Retries + 1
	var last error
	var output []byte
	for n := 1; n <= attempts; n++ {
		if n > 1 {
			t := time.NewTimer(hc.Interval)
			select {
			case <-ctx.Done():
				t.Stop()
				return stopped()
			case <-t.C:
			}
		}
		actx, cancel := context.WithTimeout(ctx, hc.Timeout)
		output, last = attempt(actx, hc.Command, append(env, EnvAttempt+"="+strconv.Itoa(n)), hc.Dir)
		timedOut := errors.Is(actx.Err(), context.DeadlineExceeded)
		cancel()
		if last == nil {
			return nil
		}
		if ctx.Err() != nil {
			return stopped()
		}
		if timedOut {
			last = fmt.Errorf("it did not end within its timeout of %s", words.Duration(hc.Timeout))
		}
	}
	return &HealthCheckError{Name: name, ID: id, Command: hc.Command, Attempts: attempts, Last: last, Output: lastLine(output)}
}

// Env is the environment of a health check of srv: base (see BaseEnv),
// then the server's facts: name (the fleet's name for it), its id,
// addresses and hostname, its group and its rollout batch.
func Env(base []string, srv *api.Server, name, group string, batch Batch) []string {
	env := make([]string, 0, len(base)+8)
	env = append(env, base...)
	number := ""
	if batch.Number > 0 {
		number = strconv.Itoa(batch.Number)
	}
	return append(env,
		EnvServerName+"="+name,
		EnvServerID+"="+strconv.FormatInt(srv.ID, 10),
		EnvServerIPv4+"="+deref(srv.IPAddress),
		EnvServerIPv6+"="+deref(srv.IPv6Address),
		EnvServerHostname+"="+srv.Hostname,
		EnvGroup+"="+group,
		EnvBatch+"="+number,
	)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// BaseEnv is this process's environment without the variables of
// SecretEnv.
func BaseEnv() []string {
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

// lastLine is the end of out on one line, its line breaks made "; ".
func lastLine(out []byte) string {
	s := strings.TrimSpace(string(out))
	s = strings.NewReplacer("\r\n", "; ", "\n", "; ", "\r", "; ").Replace(s)
	if len(s) > 300 {
		s = "…" + s[len(s)-300:]
	}
	return s
}

// Exec is the Attempt of a real run: the command as a process of this
// machine, killed when ctx ends; what it writes is read, and the last
// checkOutputBytes of it kept.
func Exec(ctx context.Context, command, env []string, dir string) ([]byte, error) {
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
