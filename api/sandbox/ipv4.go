package sandbox

import (
	"fmt"
	"strings"
)

// documentationNets are the /24 networks addresses come from first.
var documentationNets = [...]string{"203.0.113", "198.51.100"}

// sharedSpaceSize is the size of 100.64.0.0/10, used once both /24s are
// taken (for accounts of more than about 500 servers).
const sharedSpaceSize = 1 << 22

// allocateIPv4Locked picks an unused address at random (seeded): first
// from 203.0.113.0/24 and 198.51.100.0/24 (hosts .1 to .254), then, when
// those are all taken, from 100.64.0.0/10. Addresses are freed when their
// server is deleted.
func (a *Account) allocateIPv4Locked() string {
	const hosts = 254
	n := len(documentationNets) * hosts
	if a.docIPv4s < n {
		start := a.rng.IntN(n)
		for i := range n {
			k := (start + i) % n
			ip := fmt.Sprintf("%s.%d", documentationNets[k/hosts], k%hosts+1)
			if !a.ipv4s[ip] {
				a.claimIPv4Locked(ip)
				return ip
			}
		}
	}
	start := a.rng.IntN(sharedSpaceSize)
	for i := range sharedSpaceSize {
		k := (start + i) % sharedSpaceSize
		if k&0xff == 0 || k&0xff == 0xff {
			continue
		}
		ip := fmt.Sprintf("100.%d.%d.%d", 64+k>>16, k>>8&0xff, k&0xff)
		if !a.ipv4s[ip] {
			a.claimIPv4Locked(ip)
			return ip
		}
	}
	return ""
}

// claimIPv4Locked marks an address as used.
func (a *Account) claimIPv4Locked(ip string) {
	if ip == "" || a.ipv4s[ip] {
		return
	}
	a.ipv4s[ip] = true
	if inDocumentationNets(ip) {
		a.docIPv4s++
	}
}

// releaseIPv4Locked frees an address.
func (a *Account) releaseIPv4Locked(ip string) {
	if !a.ipv4s[ip] {
		return
	}
	delete(a.ipv4s, ip)
	if inDocumentationNets(ip) {
		a.docIPv4s--
	}
}

func inDocumentationNets(ip string) bool {
	for _, n := range documentationNets {
		if strings.HasPrefix(ip, n+".") {
			return true
		}
	}
	return false
}
