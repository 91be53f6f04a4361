package sandbox

import "fmt"

// String describes the options with the token redacted, so printing them
// (%v, %+v, %s) never reveals it.
func (o Options) String() string {
	token := "unset"
	if o.Token != "" {
		token = "redacted"
	}
	state := o.StatePath
	if state == "" {
		state = "in memory"
	}
	return fmt.Sprintf("sandbox.Options{state: %s, token: %s, provision delay: %s, transition delay: %s, credits: %d, page size: %d, fault rate: %v, drop rate: %v, latency: %s, rate limit: %v, seed: %d, empty: %t}",
		state, token, o.ProvisionDelay, o.TransitionDelay, o.Credits, o.PageSize,
		o.FaultRate, o.DropRate, o.Latency, o.RateLimit, o.Seed, o.Empty)
}

// GoString is String, so %#v does not reveal the token either.
func (o Options) GoString() string { return o.String() }

// String describes the account without revealing its token.
func (a *Account) String() string {
	if a.opts.StatePath == "" {
		return "sandbox account (in memory)"
	}
	return "sandbox account (state " + a.opts.StatePath + ")"
}

// GoString is String, so %#v does not reveal the token either.
func (a *Account) GoString() string { return a.String() }
