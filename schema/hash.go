package schema

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// fleetHash returns the hex SHA-256 of f's canonical encoding: owns,
// protect, then every server (in f's order, which Load sorts by name) with
// each field that affects a plan, then the moves; no source ranges. Every
// string is length-prefixed, so no two fleets encode alike.
func fleetHash(f *Fleet) string {
	h := sha256.New()
	var buf []byte
	flush := func() {
		h.Write(buf)
		buf = buf[:0]
	}
	str := func(s string) {
		buf = strconv.AppendInt(buf, int64(len(s)), 10)
		buf = append(buf, ':')
		buf = append(buf, s...)
	}
	num := func(n int64) {
		buf = strconv.AppendInt(buf, n, 10)
		buf = append(buf, ';')
	}
	flag := func(b bool) {
		buf = strconv.AppendBool(buf, b)
		buf = append(buf, ';')
	}
	list := func(tag string, items []string) {
		str(tag)
		num(int64(len(items)))
		for _, s := range items {
			str(s)
		}
	}
	list("owns", f.Owns)
	list("protect", f.Protect)
	str("servers")
	num(int64(len(f.Servers)))
	for _, s := range f.Servers {
		str(s.Name)
		num(s.PlanID)
		num(s.OSID)
		str(s.Location)
		str(s.Hostname)
		if s.SSHKeyID != nil {
			num(*s.SSHKeyID)
		} else {
			num(-1)
		}
		flag(s.BackupsEnabled)
		str(string(s.Power))
		flag(s.Lifecycle.PreventDestroy)
		flag(s.Lifecycle.CreateBeforeDestroy)
		list("ignore_changes", attributeNames(s.Lifecycle.IgnoreChanges))
		if len(buf) > 4096 {
			flush()
		}
	}
	str("moves")
	num(int64(len(f.Moves)))
	for _, m := range f.Moves {
		str(m.From)
		str(m.To)
	}
	flush()
	return hex.EncodeToString(h.Sum(nil))
}

// HashFleet returns the Hash that Load gives a fleet with f's content
// (owns, protect, servers in f's order, moves; not source ranges), so that
// a fleet kept elsewhere (a saved plan's) can be held against the hash it
// was recorded with.
func HashFleet(f *Fleet) string { return fleetHash(f) }
