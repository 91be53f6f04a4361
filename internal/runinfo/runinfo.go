// Package runinfo describes the process running vpsfleet to other people:
// who started it, on which host, with which command line (secrets
// removed), and in which CI run. Lock holders and the run journal record
// it, so that "who holds web-03?" and "who deleted web-03?" have answers.
package runinfo

import (
	"os"
	"os/user"
	"strconv"
	"strings"
)

// Process is one run of vpsfleet as people see it. It serialises to the
// JSON fields user, host, pid, command, ci_run_id and ci_run_url.
type Process struct {
	// User is the login name of the user running the process.
	User string `json:"user"`
	// Host is the machine's host name.
	Host string `json:"host"`
	// PID is the process id on Host.
	PID int `json:"pid"`
	// Command is the command line with every secret replaced by
	// [redacted] (see RedactArgs).
	Command string `json:"command"`
	// CIRunID names the CI run as VARIABLE=value (for example
	// "GITHUB_RUN_ID=8123456789"), or is empty outside CI.
	CIRunID string `json:"ci_run_id,omitempty"`
	// CIRunURL is the CI run's web page when the CI system says it.
	CIRunURL string `json:"ci_run_url,omitempty"`
}

// Current describes this process, started with args (os.Args). It reads
// the environment for the user and the CI run. It never fails: a value
// it cannot learn is "unknown" (user, host) or empty.
func Current(args []string) Process {
	return Describe(args, os.Getenv, os.Getpid(), hostName(), userName(os.Getenv))
}

// Describe is Current with its inputs given: args, getenv for the CI
// variables, the pid, host and user.
func Describe(args []string, getenv func(string) string, pid int, host, userName string) Process {
	id, url := CIRun(getenv)
	return Process{
		User:     userName,
		Host:     host,
		PID:      pid,
		Command:  RedactArgs(args),
		CIRunID:  id,
		CIRunURL: url,
	}
}

// String is "user@host pid N", the short form used in messages.
func (p Process) String() string {
	var b strings.Builder
	b.WriteString(orUnknown(p.User))
	b.WriteString("@")
	b.WriteString(orUnknown(p.Host))
	if p.PID != 0 {
		b.WriteString(" pid ")
		b.WriteString(strconv.Itoa(p.PID))
	}
	return b.String()
}

func hostName() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "unknown"
	}
	return h
}

// userName is the login name: os/user first, then $USER and $LOGNAME
// (a container's uid may have no passwd entry).
func userName(getenv func(string) string) string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	for _, v := range []string{"USER", "LOGNAME"} {
		if s := getenv(v); s != "" {
			return s
		}
	}
	return "unknown"
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
