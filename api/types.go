// Package api is a typed client for the VPS.org servers API
// (https://admin.vps.org/api/v1/servers/).
//
// The package knows HTTP and JSON, nothing of fleet files. Every call takes
// a context.Context; failures are *Error values (see errors.go) whose text
// never contains the API token.
package api

import (
	"context"
	"time"
)

// Status is a server's lifecycle state as the API reports it.
type Status string

// The statuses the API documents. Transitions: provisioning → active,
// active → stopping → stopped, stopped → starting → active,
// active → rebooting → active; suspended is set by the provider and accepts
// no action.
const (
	StatusProvisioning Status = "provisioning"
	StatusActive       Status = "active"
	StatusStopping     Status = "stopping"
	StatusStopped      Status = "stopped"
	StatusStarting     Status = "starting"
	StatusRebooting    Status = "rebooting"
	StatusSuspended    Status = "suspended"
)

// Transitional reports whether the status is on its way to another one
// without anybody acting (provisioning, stopping, starting, rebooting).
func (s Status) Transitional() bool {
	switch s {
	case StatusProvisioning, StatusStopping, StatusStarting, StatusRebooting:
		return true
	}
	return false
}

// PoweredOn reports the power a server in status s has or is headed for
// without anybody acting: true for active and the statuses on their way to
// it (provisioning, starting, rebooting); false for stopped, stopping and
// suspended (a suspended server does not run).
func (s Status) PoweredOn() bool {
	switch s {
	case StatusStopped, StatusStopping, StatusSuspended:
		return false
	}
	return true
}

// Plan is a server's size as embedded in a server object. Bandwidth is only
// present in detail responses.
type Plan struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	VCPUs     int    `json:"vcpus"`
	Memory    int    `json:"memory"`
	Storage   int    `json:"storage"`
	Bandwidth *int   `json:"bandwidth,omitempty"`
}

// OS is a server's operating system image.
type OS struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// ResourceUsage is the usage block of a server detail response.
type ResourceUsage struct {
	CPUPercent    float64 `json:"cpu_percent"`
	MemoryUsed    int     `json:"memory_used"`
	DiskUsed      int     `json:"disk_used"`
	BandwidthUsed int     `json:"bandwidth_used"`
}

// Server is a server object as returned by list, get, create, PUT and PATCH.
//
// Fields that only some responses carry are pointers: BackupsEnabled is nil
// in list items (the list endpoint does not return it), IPAddress is nil
// until the server is provisioned, IPv6Address and ResourceUsage are only in
// detail responses.
type Server struct {
	ID             int64          `json:"id"`
	Name           string         `json:"name"`
	Hostname       string         `json:"hostname"`
	Status         Status         `json:"status"`
	IPAddress      *string        `json:"ip_address"`
	IPv6Address    *string        `json:"ipv6_address,omitempty"`
	Location       string         `json:"location"`
	Plan           Plan           `json:"plan"`
	OS             OS             `json:"os"`
	BackupsEnabled *bool          `json:"backups_enabled,omitempty"`
	ResourceUsage  *ResourceUsage `json:"resource_usage,omitempty"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
	Message        string         `json:"message,omitempty"`
}

// ListOptions filters GET /api/v1/servers/. Empty fields are not sent.
type ListOptions struct {
	Status   Status
	Location string
	// Stable asks for a listing no page shift can have cut short: servers
	// deleted while a list is read move items to pages already read, so
	// a server that existed throughout can be missed. With Stable the
	// list is read again until every page announced the same count and
	// as many servers arrived (see ListServers). The filters are sent;
	// Stable itself is not.
	Stable bool
	// Visit, when not nil, is called with each page as it arrives, before
	// the next is asked for (so a caller may pace a listing: a page read
	// later shows its servers later). An error it returns ends the
	// listing with that error. A Stable listing read again calls it
	// again from page 1. Accounts other than the Client may not call it.
	Visit func(ctx context.Context, page Page) error
	// From, when set, is the Link of a page an earlier listing showed
	// Visit: the listing begins at that page and reads on to the last, so
	// it returns only the servers listed from there on. It is checked as
	// a next link is, and is never read again for Stable.
	From string
}

// Page is one page of a listing, as ListOptions.Visit sees it.
type Page struct {
	// Number counts the pages of the listing from 1 (from its From page,
	// when it has one).
	Number int
	// Link is where the page was read (path and query), for a later
	// listing's ListOptions.From.
	Link string
	// Count is the total the page announced.
	Count int
	// Servers are the page's servers, in the API's order. They belong to
	// the listing: Visit must not change or keep them.
	Servers []Server
	// More reports that another page follows.
	More bool
}

// CreateRequest is the body of POST /api/v1/servers/. Name, PlanID, OSID
// and Location are required by the API; the rest are optional.
type CreateRequest struct {
	Name           string `json:"name"`
	PlanID         int64  `json:"plan_id"`
	OSID           int64  `json:"os_id"`
	Location       string `json:"location"`
	Hostname       string `json:"hostname,omitempty"`
	SSHKeyID       *int64 `json:"ssh_key_id,omitempty"`
	BackupsEnabled *bool  `json:"backups_enabled,omitempty"`
}

// ReplaceRequest is the body of PUT /api/v1/servers/{id}/: all three fields
// are required by the API.
type ReplaceRequest struct {
	Name           string `json:"name"`
	Hostname       string `json:"hostname"`
	BackupsEnabled bool   `json:"backups_enabled"`
}

// UpdateRequest is the body of PATCH /api/v1/servers/{id}/: only the
// non-nil fields are sent.
type UpdateRequest struct {
	Name           *string `json:"name,omitempty"`
	Hostname       *string `json:"hostname,omitempty"`
	BackupsEnabled *bool   `json:"backups_enabled,omitempty"`
}

// ActionResult is the answer to start, stop and reboot.
type ActionResult struct {
	Status  string       `json:"status"`
	Message string       `json:"message"`
	Server  ActionServer `json:"server"`
}

// ActionServer is the short server object inside an ActionResult.
type ActionServer struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Status Status `json:"status"`
}
