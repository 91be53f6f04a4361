package sandbox

import (
	"hash/fnv"
	"time"
)

// Server statuses, as the API spells them.
const (
	statusProvisioning = "provisioning"
	statusActive       = "active"
	statusStopping     = "stopping"
	statusStopped      = "stopped"
	statusStarting     = "starting"
	statusRebooting    = "rebooting"
	statusSuspended    = "suspended"
)

// validStatuses are the values the list's status filter accepts.
var validStatuses = map[string]bool{
	statusProvisioning: true, statusActive: true, statusStopping: true,
	statusStopped: true, statusStarting: true, statusRebooting: true,
	statusSuspended: true,
}

// phase is the last thing that happened to a server's power; together
// with PhaseUntil it determines the status at any instant, so a state file
// stays meaningful across processes and clocks.
type phase string

const (
	phaseProvision phase = "provision" // provisioning until PhaseUntil, then active
	phaseStop      phase = "stop"      // stopping until PhaseUntil, then stopped
	phaseStart     phase = "start"     // starting until PhaseUntil, then active
	phaseReboot    phase = "reboot"    // rebooting until PhaseUntil, then active
)

// usage is a server's resource_usage block.
type usage struct {
	CPUPercent    float64 `json:"cpu_percent"`
	MemoryUsed    int     `json:"memory_used"`
	DiskUsed      int     `json:"disk_used"`
	BandwidthUsed int     `json:"bandwidth_used"`
}

// record is one server as the account stores it (and as the state file
// holds it). Status is never stored: see status.
type record struct {
	ID             int64     `json:"id"`
	Name           string    `json:"name"`
	Hostname       string    `json:"hostname"`
	PlanID         int64     `json:"plan_id"`
	OSID           int64     `json:"os_id"`
	Location       string    `json:"location"`
	SSHKeyID       *int64    `json:"ssh_key_id,omitempty"`
	BackupsEnabled bool      `json:"backups_enabled"`
	IPv4           string    `json:"ipv4"`
	IPv6           string    `json:"ipv6"`
	Usage          *usage    `json:"resource_usage,omitempty"` // fixed usage (the doc examples); nil: derived from the id
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	Phase          phase     `json:"phase"`
	PhaseUntil     time.Time `json:"phase_until"` // zero: the phase has always been over
	Suspended      bool      `json:"suspended"`

	filedAs string // the status the account's index files it under; "" when not filed
}

// status is the server's status at now.
func (r *record) status(now time.Time) string {
	if r.Suspended {
		return statusSuspended
	}
	return r.powerStatus(now)
}

// powerStatus is the status at now ignoring suspension: the state a
// suspended server returns to when the provider lifts the suspension.
func (r *record) powerStatus(now time.Time) string {
	pending := now.Before(r.PhaseUntil)
	switch r.Phase {
	case phaseStop:
		if pending {
			return statusStopping
		}
		return statusStopped
	case phaseStart:
		if pending {
			return statusStarting
		}
		return statusActive
	case phaseReboot:
		if pending {
			return statusRebooting
		}
		return statusActive
	default: // phaseProvision
		if pending {
			return statusProvisioning
		}
		return statusActive
	}
}

// provisioned reports whether the server has finished provisioning at
// now, i.e. whether its addresses are visible.
func (r *record) provisioned(now time.Time) bool {
	return r.Phase != phaseProvision || !now.Before(r.PhaseUntil)
}

// resourceUsage is the server's usage at now: the fixed value when the
// record has one, otherwise plausible figures derived from the id (so the
// same server always reports the same usage), with zero CPU and memory
// while it is not running.
func (r *record) resourceUsage(now time.Time) usage {
	if r.Usage != nil {
		return *r.Usage
	}
	p := plans[r.PlanID]
	h := fnv.New64a()
	var b [8]byte
	for i := range b {
		b[i] = byte(r.ID >> (8 * i))
	}
	h.Write(b[:])
	x := h.Sum64()
	if !r.provisioned(now) {
		return usage{}
	}
	u := usage{
		DiskUsed:      p.Storage*(15+int(x>>8%50))/100 + 1,
		BandwidthUsed: int(x>>16%uint64(p.Bandwidth/4+1)) + 1,
	}
	switch r.status(now) {
	case statusActive, statusRebooting, statusStarting, statusStopping:
		u.CPUPercent = float64(5+x%900) / 10 // 0.5 .. 90.4
		u.MemoryUsed = p.Memory * (20 + int(x>>24%60)) / 100
	}
	return u
}
