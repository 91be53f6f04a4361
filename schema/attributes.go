package schema

import (
	"math/big"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// setAttribute decodes one server attribute's value into s, reporting any
// problem at expr's range. A null value leaves the attribute unset. It
// returns false when the value was refused (and the problem recorded).
func (l *loader) setAttribute(s *DesiredServer, name string, val cty.Value, expr hcl.Expression) bool {
	if val.IsNull() {
		return true
	}
	rng := expr.Range()
	attr := Attribute(name)
	switch attr {
	case AttrBackupsEnabled:
		if l.unknownOK(val, cty.Bool, name, rng) {
			return false
		}
	}
	switch attr {
	case AttrPlanID, AttrOSID, AttrSSHKeyID:
		n, ok := l.positiveInt(val, rng, name)
		if !ok {
			return false
		}
		switch attr {
		case AttrPlanID:
			s.PlanID = n
		case AttrOSID:
			s.OSID = n
		default:
			s.SSHKeyID = &n
		}
	case AttrLocation:
		str, ok := l.stringValue(val, rng, name)
		if !ok {
			return false
		}
		if str == "" {
			l.errorf(rng, "Invalid location", "location must not be empty; name a VPS.org location such as \"us-west\" or \"us-east\".")
			return false
		}
		s.Location = str
	case AttrHostname:
		str, ok := l.stringValue(val, rng, name)
		if !ok {
			return false
		}
		if str != "" && !ValidHostname(str) {
			l.errorf(rng, "Invalid hostname", "%s is not a valid hostname. %s", sentence(l.shown(expr, str)), hostnameRule)
			return false
		}
		s.Hostname = str
	case AttrBackupsEnabled:
		b, err := convert.Convert(val, cty.Bool)
		if err != nil {
			l.errorf(rng, "Incorrect attribute value type", "backups_enabled must be true or false, not %s.", describe(val))
			return false
		}
		s.BackupsEnabled = b.True()
	case AttrPower:
		str, ok := l.stringValue(val, rng, name)
		if !ok {
			return false
		}
		if str != string(PowerOn) && str != string(PowerOff) {
			l.errorf(rng, "Invalid power state", "power must be \"on\" or \"off\", not %s.", l.shown(expr, str))
			return false
		}
		s.Power = Power(str)
	default:
		return true
	}
	if s.AttrRanges == nil {
		s.AttrRanges = map[Attribute]hcl.Range{}
	}
	s.AttrRanges[attr] = rng
	return true
}

// hasValue reports whether s holds a value for the required attribute
// name (plan_id, os_id or location).
func hasValue(s *DesiredServer, name Attribute) bool {
	switch name {
	case AttrPlanID:
		return s.PlanID != 0
	case AttrOSID:
		return s.OSID != 0
	case AttrLocation:
		return s.Location != ""
	}
	return true
}

// stringValue converts val to a string (numbers and bools convert too). A
// null value is an error: callers that allow null check for it first.
func (l *loader) stringValue(val cty.Value, rng hcl.Range, attr string) (string, bool) {
	if l.unknownOK(val, cty.String, attr, rng) {
		return "", false
	}
	if val.IsNull() {
		l.errorf(rng, "Missing value", "%s is null here; give it a string value.", attr)
		return "", false
	}
	s, err := convert.Convert(val, cty.String)
	if err != nil {
		l.errorf(rng, "Incorrect attribute value type", "%s must be a string, not %s.", attr, describe(val))
		return "", false
	}
	return s.AsString(), true
}

// maxID is the largest identifier accepted.
var maxID = big.NewFloat(1 << 53)

// positiveInt converts val to a positive whole number.
func (l *loader) positiveInt(val cty.Value, rng hcl.Range, attr string) (int64, bool) {
	if l.unknownOK(val, cty.Number, attr, rng) {
		return 0, false
	}
	n, err := l.toNumber(val, rng)
	if err != nil {
		if err != errReported {
			l.errorf(rng, "Incorrect attribute value type", "%s must be a positive whole number (an id such as 1), not %s.", attr, describe(val))
		}
		return 0, false
	}
	bf := n.AsBigFloat()
	if !bf.IsInt() || bf.Sign() <= 0 || bf.Cmp(maxID) > 0 {
		l.errorf(rng, "Invalid "+attr, "%s must be a positive whole number (an id such as 1), not %s.", attr, bf.Text('g', 10))
		return 0, false
	}
	i, _ := bf.Int64()
	return i, true
}
