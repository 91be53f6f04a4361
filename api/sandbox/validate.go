package sandbox

import (
	"fmt"
	"strings"
)

// Limits on names and hostnames.
const (
	maxNameLen     = 63
	maxHostnameLen = 253
)

// Messages for invalid names and hostnames.
const (
	msgBadName     = "Enter a valid server name: a letter first, then letters, digits or hyphens."
	msgBadHostname = "Enter a valid hostname: a fully qualified domain name of two or more dot-separated labels of letters, digits or hyphens, such as web01.example.com."
)

// validName reports whether s is a letter followed by letters, digits and
// hyphens (ASCII).
func validName(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && !isDigit(c) && c != '-' {
			return false
		}
	}
	return true
}

// validHostname reports whether s is two or more non-empty dot-separated
// labels of letters, digits and hyphens.
func validHostname(s string) bool {
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" {
			return false
		}
		for i := 0; i < len(l); i++ {
			if c := l[i]; !isLetter(c) && !isDigit(c) && c != '-' {
				return false
			}
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

func maxLenMessage(n int) string {
	return fmt.Sprintf("Ensure this field has no more than %d characters.", n)
}

// serverInput is the validated content of a create, PUT or PATCH body;
// the has* fields say which optional fields were given.
type serverInput struct {
	Name           string
	PlanID         int64
	OSID           int64
	Location       string
	Hostname       string
	SSHKeyID       *int64
	BackupsEnabled bool

	hasName, hasHostname, hasBackups bool
}

// fieldRule says whether a field is required in one kind of request.
type fieldRule int

const (
	ruleAbsent   fieldRule = iota // not accepted (ignored like any unknown field)
	ruleOptional                  // may be given
	ruleRequired                  // must be given
)

// inputRules lists, in the order errors are reported, which fields a
// kind of request takes.
type inputRules struct {
	name, planID, osID, location, hostname, sshKeyID, backups fieldRule
}

var (
	createRules  = inputRules{ruleRequired, ruleRequired, ruleRequired, ruleRequired, ruleOptional, ruleOptional, ruleOptional}
	replaceRules = inputRules{name: ruleRequired, hostname: ruleRequired, backups: ruleRequired}
	updateRules  = inputRules{name: ruleOptional, hostname: ruleOptional, backups: ruleOptional}
)

// validateInput checks every field of obj against rules and returns the
// input, or every problem found at once. Unknown fields are ignored.
func validateInput(obj map[string]any, rules inputRules) (serverInput, *fieldErrors) {
	var in serverInput
	var errs fieldErrors
	get := func(field string, rule fieldRule) (any, bool) {
		if rule == ruleAbsent {
			return nil, false
		}
		v, ok := obj[field]
		if !ok && rule == ruleRequired {
			errs.add(field, msgRequired)
		}
		return v, ok
	}
	if v, ok := get("name", rules.name); ok {
		in.hasName = true
		in.Name = textValue(&errs, "name", v, validName, msgBadName, maxNameLen)
	}
	if v, ok := get("plan_id", rules.planID); ok {
		in.PlanID = catalogueID(&errs, "plan_id", v, func(id int64) bool { _, ok := plans[id]; return ok })
	}
	if v, ok := get("os_id", rules.osID); ok {
		in.OSID = catalogueID(&errs, "os_id", v, func(id int64) bool { _, ok := osImages[id]; return ok })
	}
	if v, ok := get("location", rules.location); ok {
		in.Location = locationValue(&errs, v)
	}
	if v, ok := get("hostname", rules.hostname); ok {
		in.hasHostname = true
		in.Hostname = textValue(&errs, "hostname", v, validHostname, msgBadHostname, maxHostnameLen)
	}
	if v, ok := get("ssh_key_id", rules.sshKeyID); ok && v != nil {
		n, msg := intValue(v)
		switch {
		case msg != "":
			errs.add("ssh_key_id", msg)
		case n < 1:
			errs.add("ssh_key_id", "Ensure this value is greater than or equal to 1.")
		default:
			in.SSHKeyID = &n
		}
	}
	if v, ok := get("backups_enabled", rules.backups); ok {
		in.hasBackups = true
		b, msg := boolValue(v)
		if msg != "" {
			errs.add("backups_enabled", msg)
		}
		in.BackupsEnabled = b
	}
	if !errs.empty() {
		return in, &errs
	}
	return in, nil
}

// textValue checks a string field: that it is a string, that valid
// accepts it (else badMsg) and that it is at most maxLen bytes long. It
// returns the string, even when valid or the length refuses it, and ""
// when v is no string.
func textValue(errs *fieldErrors, field string, v any, valid func(string) bool, badMsg string, maxLen int) string {
	s, msg := stringValue(v)
	if msg != "" {
		errs.add(field, msg)
		return ""
	}
	if !valid(s) {
		errs.add(field, badMsg)
	}
	if len(s) > maxLen {
		errs.add(field, maxLenMessage(maxLen))
	}
	return s
}

// catalogueID checks a reference to a catalogue entry (plan or OS).
func catalogueID(errs *fieldErrors, field string, v any, known func(int64) bool) int64 {
	id, msg := intValue(v)
	if msg != "" {
		errs.add(field, msg)
		return 0
	}
	if !known(id) {
		errs.add(field, fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", id))
		return 0
	}
	return id
}

// locationValue checks a location code against the catalogue.
func locationValue(errs *fieldErrors, v any) string {
	if v == nil {
		errs.add("location", msgNull)
		return ""
	}
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case fmt.Stringer:
		s = v.String()
	default:
		s = fmt.Sprint(v)
	}
	if !locations[s] {
		errs.add("location", fmt.Sprintf("%q is not a valid choice.", s))
		return ""
	}
	return s
}
