package api

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// parseEndpoint checks the API base URL and returns it without a trailing
// slash. Plain http is refused unless the host is loopback or requests are
// served in-process, because the token would cross the network in clear.
// A URL with a query, a fragment or userinfo is not a base URL and is
// refused; no error quotes any of those parts, which is where someone
// might have put a credential.
func parseEndpoint(raw string, inProcess bool) (*url.URL, error) {
	if raw == "" {
		raw = DefaultEndpoint
	}
	full := raw
	raw = withoutQuery(raw)
	u, err := url.Parse(full)
	if err != nil {
		// The parser's error quotes the URL, credentials and all: say
		// only what it was about.
		var ue *url.Error
		why := "it cannot be parsed"
		if errors.As(err, &ue) && !strings.Contains(raw, "@") {
			why = ue.Err.Error()
		}
		return nil, fmt.Errorf("endpoint %q is not a URL (%s); use e.g. %s", withoutUserinfo(raw), why, DefaultEndpoint)
	}
	raw = withoutUserinfo(raw)
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("endpoint %q must start with https:// (e.g. %s)", raw, DefaultEndpoint)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("endpoint %q has no host; use e.g. %s", raw, DefaultEndpoint)
	}
	if u.User != nil {
		return nil, fmt.Errorf("endpoint must not carry credentials in the URL; pass the token separately")
	}
	if raw != withoutUserinfo(full) {
		return nil, fmt.Errorf("endpoint %q must not have a query or fragment (not shown); give only the base URL", raw)
	}
	if u.Scheme == "http" && !inProcess && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("refusing plain http endpoint %q: the token would travel unencrypted; use https:// (plain http is allowed only to localhost, 127.0.0.0/8 or ::1)", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// isLoopback reports whether host names this machine: "localhost" or a
// loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sameHost reports whether a and b name the same host and port, treating
// an absent port as the scheme's default.
func sameHost(a, b *url.URL) bool {
	return strings.EqualFold(a.Hostname(), b.Hostname()) && effectivePort(a) == effectivePort(b)
}

func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "http" {
		return "80"
	}
	return "443"
}

// withoutQuery cuts a URL's text at its query or fragment, so that an
// endpoint can be quoted without them. It works on text that does not
// parse.
func withoutQuery(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		return raw[:i]
	}
	return raw
}

// withoutUserinfo replaces a "user:password@" part of a URL's authority
// with "…@", so that an endpoint can be quoted in an error without the
// credentials someone put in it. It works on text that does not parse.
func withoutUserinfo(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	authority, path, _ := strings.Cut(rest, "/")
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return raw
	}
	out := scheme + "://…@" + authority[at+1:]
	if len(rest) > len(authority) {
		out += "/" + path
	}
	return out
}
