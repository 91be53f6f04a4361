package runinfo

import (
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
)

// Redacted replaces every secret RedactArgs removes.
const Redacted = "[redacted]"

// MaxCommandLen bounds RedactArgs' result in bytes; a longer command line
// is cut and ends in "...".
const MaxCommandLen = 2048

// secretFlags take a value that is a secret as a whole.
var secretFlags = map[string]bool{"token": true, "password": true}

// valueFlags take their value in the next argument when it is not given
// with "=": the ones RedactArgs must look at in the next argument.
var valueFlags = map[string]bool{"token": true, "password": true, "var": true, "lock-url": true, "endpoint": true}

// dsnPassword matches password=... in a keyword/value connection string
// (host=db password=s3cret dbname=x), quoted or not.
var dsnPassword = regexp.MustCompile(`(?i)\b((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)`)

// RedactArgs is the command line args (os.Args) as one string for people,
// with every secret replaced by [redacted]:
//   - the value of -token and -password (in every spelling: -token X,
//     -token=X, --token X, --token=X);
//   - the value of each -var (-var name=[redacted]): variables may hold
//     passwords, and only their names are needed to tell runs apart;
//   - the password of any URL (postgres://user:[redacted]@host/db) and
//     any password=... of a connection string, in any argument.
//
// args[0] is shortened to its base name. Arguments holding spaces or
// quotes are single-quoted. The result is at most MaxCommandLen bytes.
func RedactArgs(args []string) string {
	out := make([]string, 0, len(args))
	pending := "" // a flag whose value is the next argument
	for i, a := range args {
		switch {
		case i == 0:
			a = filepath.Base(a)
		case pending != "":
			a = redactValue(pending, a)
			pending = ""
		case strings.HasPrefix(a, "-") && a != "-" && a != "--":
			name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			name = strings.ToLower(name)
			if hasValue {
				a = a[:len(a)-len(value)] + redactValue(name, value)
			} else if valueFlags[name] {
				pending = name
			}
		default:
			a = redactText(a)
		}
		out = append(out, quoteArg(a))
	}
	s := strings.Join(out, " ")
	if len(s) > MaxCommandLen {
		cut := MaxCommandLen - len("...")
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

// redactValue is the value of flag name with its secrets removed.
func redactValue(name, value string) string {
	switch {
	case secretFlags[name]:
		return Redacted
	case name == "var":
		if k, _, ok := strings.Cut(value, "="); ok {
			return k + "=" + Redacted
		}
		return Redacted
	default:
		return redactText(value)
	}
}

// redactText removes a URL's password and password=... pairs from s.
func redactText(s string) string {
	if strings.Contains(s, "://") {
		s = RedactURL(s)
	}
	return dsnPassword.ReplaceAllString(s, "${1}"+Redacted)
}

// RedactURL is s with the password of its user info and the values of its
// password and sslpassword query parameters replaced by [redacted]. Text
// that does not parse as a URL is returned with everything between "://"
// and the last "@" replaced, since it may hold a password that could not
// be told apart.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		scheme, rest, ok := strings.Cut(s, "://")
		if at := strings.LastIndex(rest, "@"); ok && at >= 0 {
			return scheme + "://" + Redacted + rest[at:]
		}
		return s
	}
	changed := false
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "REDACTED")
		changed = true
	}
	q := u.Query()
	for key := range q {
		if strings.EqualFold(key, "password") || strings.EqualFold(key, "sslpassword") {
			q.Set(key, "REDACTED")
			changed = true
		}
	}
	if !changed {
		return s
	}
	u.RawQuery = q.Encode()
	return strings.ReplaceAll(u.String(), "REDACTED", Redacted)
}

// quoteArg single-quotes an argument a shell would split or unquote.
func quoteArg(a string) string {
	if a == "" {
		return "''"
	}
	if !strings.ContainsAny(a, " \t\n'\"\\$`;&|<>()*?") {
		return a
	}
	return "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
