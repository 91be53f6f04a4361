package sandbox

import "time"

// The structs below are the sandbox's own wire format. Field order is the
// order the API documentation shows, which encoding/json preserves.

// wirePlan is the plan block; Bandwidth only appears in detail responses.
type wirePlan struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	VCPUs     int    `json:"vcpus"`
	Memory    int    `json:"memory"`
	Storage   int    `json:"storage"`
	Bandwidth *int   `json:"bandwidth,omitempty"`
}

// wireOS is the os block.
type wireOS struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// wireListItem is one entry of a list's results.
type wireListItem struct {
	ID        int64    `json:"id"`
	Name      string   `json:"name"`
	Hostname  string   `json:"hostname"`
	Status    string   `json:"status"`
	IPAddress *string  `json:"ip_address"`
	Location  string   `json:"location"`
	Plan      wirePlan `json:"plan"`
	OS        wireOS   `json:"os"`
	CreatedAt string   `json:"created_at"`
	UpdatedAt string   `json:"updated_at"`
}

// wireDetail is the answer to GET, PUT and PATCH of one server.
type wireDetail struct {
	ID             int64    `json:"id"`
	Name           string   `json:"name"`
	Hostname       string   `json:"hostname"`
	Status         string   `json:"status"`
	IPAddress      *string  `json:"ip_address"`
	IPv6Address    *string  `json:"ipv6_address"`
	Location       string   `json:"location"`
	Plan           wirePlan `json:"plan"`
	OS             wireOS   `json:"os"`
	BackupsEnabled bool     `json:"backups_enabled"`
	ResourceUsage  usage    `json:"resource_usage"`
	CreatedAt      string   `json:"created_at"`
	UpdatedAt      string   `json:"updated_at"`
}

// wireCreated is the answer to a create, as the documentation shows it.
type wireCreated struct {
	ID             int64    `json:"id"`
	Name           string   `json:"name"`
	Hostname       string   `json:"hostname"`
	Status         string   `json:"status"`
	IPAddress      *string  `json:"ip_address"`
	Location       string   `json:"location"`
	Plan           wirePlan `json:"plan"`
	OS             wireOS   `json:"os"`
	BackupsEnabled bool     `json:"backups_enabled"`
	CreatedAt      string   `json:"created_at"`
	UpdatedAt      string   `json:"updated_at"`
	Message        string   `json:"message"`
}

// wireList is a DRF page.
type wireList struct {
	Count    int            `json:"count"`
	Next     *string        `json:"next"`
	Previous *string        `json:"previous"`
	Results  []wireListItem `json:"results"`
}

// wireActionServer is the short server inside an action answer.
type wireActionServer struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

// wireAction is the answer to start, stop, reboot (and the sandbox's
// suspend and unsuspend).
type wireAction struct {
	Status  string           `json:"status"`
	Message string           `json:"message"`
	Server  wireActionServer `json:"server"`
}

// wireDetailError is a DRF {"detail": "..."} error.
type wireDetailError struct {
	Detail string `json:"detail"`
}

// provisioningMessage is the create answer's message.
const provisioningMessage = "Server is being provisioned. This may take 2-5 minutes."

// formatTime renders a timestamp as DRF does: UTC, ISO 8601, with
// microseconds only when there are any.
func formatTime(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format("2006-01-02T15:04:05.999999Z07:00")
}

func (r *record) wirePlan(detail bool) wirePlan {
	p := plans[r.PlanID]
	w := wirePlan{ID: p.ID, Name: p.Name, VCPUs: p.VCPUs, Memory: p.Memory, Storage: p.Storage}
	if detail {
		bw := p.Bandwidth
		w.Bandwidth = &bw
	}
	return w
}

func (r *record) wireOS() wireOS {
	o := osImages[r.OSID]
	return wireOS{ID: o.ID, Name: o.Name}
}

// addresses returns the IPv4 and IPv6 addresses, both nil until the server
// has been provisioned.
func (r *record) addresses(now time.Time) (v4, v6 *string) {
	if !r.provisioned(now) {
		return nil, nil
	}
	a, b := r.IPv4, r.IPv6
	return &a, &b
}

func (r *record) listItem(now time.Time) wireListItem {
	v4, _ := r.addresses(now)
	return wireListItem{
		ID: r.ID, Name: r.Name, Hostname: r.Hostname, Status: r.status(now),
		IPAddress: v4, Location: r.Location, Plan: r.wirePlan(false), OS: r.wireOS(),
		CreatedAt: formatTime(r.CreatedAt), UpdatedAt: formatTime(r.UpdatedAt),
	}
}

func (r *record) detail(now time.Time) wireDetail {
	v4, v6 := r.addresses(now)
	return wireDetail{
		ID: r.ID, Name: r.Name, Hostname: r.Hostname, Status: r.status(now),
		IPAddress: v4, IPv6Address: v6, Location: r.Location,
		Plan: r.wirePlan(true), OS: r.wireOS(), BackupsEnabled: r.BackupsEnabled,
		ResourceUsage: r.resourceUsage(now),
		CreatedAt:     formatTime(r.CreatedAt), UpdatedAt: formatTime(r.UpdatedAt),
	}
}

func (r *record) created(now time.Time) wireCreated {
	v4, _ := r.addresses(now)
	return wireCreated{
		ID: r.ID, Name: r.Name, Hostname: r.Hostname, Status: r.status(now),
		IPAddress: v4, Location: r.Location, Plan: r.wirePlan(false), OS: r.wireOS(),
		BackupsEnabled: r.BackupsEnabled,
		CreatedAt:      formatTime(r.CreatedAt), UpdatedAt: formatTime(r.UpdatedAt),
		Message: provisioningMessage,
	}
}

func (r *record) actionServer(now time.Time) wireActionServer {
	return wireActionServer{ID: r.ID, Name: r.Name, Status: r.status(now)}
}
