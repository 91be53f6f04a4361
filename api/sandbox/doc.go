// Package sandbox is an embedded VPS.org account: an http.Handler that
// serves the VPS.org servers API (list, create, get, replace, update,
// delete, start, stop, reboot) with the documented status codes, bodies,
// validation messages and pagination, so the client and the whole tool run
// against it without the real service.
//
// The package does not import the client package: it has its own wire
// structs, so the client is tested against an independent server.
//
// # Routes
//
//	GET, POST                /api/v1/servers/
//	GET, PUT, PATCH, DELETE  /api/v1/servers/{id}/
//	POST                     /api/v1/servers/{id}/start/ /stop/ /reboot/
//	POST                     /_sandbox/servers/{id}/suspend/ /unsuspend/
//	GET                      /_sandbox/stats
//
// An /api request is checked as the framework behind the real API checks
// it: the path (404 {"detail":"Not found."}, trailing slash required), the
// bearer token (401), the rate limit (429 with Retry-After), the method
// (405 with an Allow header; HEAD and OPTIONS are answered too), then the
// request itself. Validation errors list every field's problems at once,
// in field order. /_sandbox routes need no token, suffer no faults and are
// not counted in Stats.
//
// # Account
//
// A new account numbers its servers from 12345 and, unless Options.Empty,
// holds the documentation's two example servers, so the documentation's
// examples run unchanged. The catalogue is plans 1 (Standard VPS, price
// 10), 2 (Performance VPS, 20) and 3 (Enterprise VPS, 40); OS images 3
// (Debian 12), 5 (Ubuntu 22.04 LTS), 6 (Ubuntu 24.04 LTS) and 7 (Rocky
// Linux 9); locations us-west, us-east and eu-central. A create costs its
// plan's price (402 when the balance cannot cover it); deleting refunds
// nothing. Names are not unique.
//
// Statuses are computed from timestamps (a server is provisioning until
// created_at plus the provision delay), so a state file written by one
// process is valid in the next. Servers are indexed by location and
// status, kept right as timed transitions come due, so a filtered list
// page costs what an unfiltered one does at any size. Addresses appear once a server is
// provisioned: IPv4 addresses are unique, from 203.0.113.0/24 and
// 198.51.100.0/24 and, once those 508 are taken, from 100.64.0.0/10.
//
// The state is two files: a snapshot, PATH (JSON with a format name,
// version and the seq of the last change it holds), and a journal beside
// it, PATH.journal, of the changes made since, one checksummed JSON line
// each. Every change is appended to the journal and synced to disk before
// it is answered; changes that arrive while a sync runs share the next one
// (group commit). Ids are never reused: the next id is saved with each
// change. When the journal has grown past the snapshot's size (and at
// least 1 MiB), it is compacted in the background: a new snapshot
// replaces the file atomically, then a new journal the old one, while
// requests go on. Close writes a new snapshot and removes the journal. Opening replays the journal onto the snapshot and
// drops a change a crash cut off mid-write, which was never answered. The
// files are locked (an exclusive file lock on PATH.lock, on every
// platform) while an Account has them open. With
// Options.ReadOnlyIfLocked, an Account opened while another process holds
// the lock reads the files instead, follows that process's changes, and
// refuses changes of its own with 423 Locked.
package sandbox
