package sandbox

import (
	"fmt"
	"sort"
	"time"
)

// firstID is the id of a new account's first server, so the
// documentation's examples (/api/v1/servers/12345/) run unchanged.
const firstID = 12345

// stateFormat and stateVersion identify the state file format.
const (
	stateFormat  = "vpsfleet-sandbox"
	stateVersion = 1
)

// state is the snapshot file's content. Seq is the last journal change
// it includes: replay skips the changes up to it. (Files written before
// the journal existed have no seq: 0, and no journal.)
type state struct {
	Format  string    `json:"format"`
	Version int       `json:"version"`
	Seq     uint64    `json:"seq"`
	NextID  int64     `json:"next_id"`
	Credits int64     `json:"credits"`
	Servers []*record `json:"servers"`
}

// exampleServers are the documentation's two servers, exactly as its GET
// examples show them. Server 12345's updated_at is the detail example's
// (the list example shows an earlier one).
func exampleServers() []*record {
	bw := usage{CPUPercent: 23.5, MemoryUsed: 2048, DiskUsed: 35, BandwidthUsed: 450}
	return []*record{
		{
			ID: 12345, Name: "web-server-01", Hostname: "web01.example.com",
			PlanID: 1, OSID: 5, Location: "us-west", BackupsEnabled: true,
			IPv4: "203.0.113.10", IPv6: "2001:0db8::1", Usage: &bw,
			CreatedAt: time.Date(2025, 1, 10, 14, 30, 0, 0, time.UTC),
			UpdatedAt: time.Date(2025, 1, 16, 15, 45, 0, 0, time.UTC),
			Phase:     phaseProvision,
		},
		{
			ID: 12346, Name: "db-server-01", Hostname: "db01.example.com",
			PlanID: 2, OSID: 3, Location: "us-east", BackupsEnabled: true,
			IPv4: "203.0.113.11", IPv6: "2001:0db8::2",
			CreatedAt: time.Date(2025, 1, 12, 9, 15, 0, 0, time.UTC),
			UpdatedAt: time.Date(2025, 1, 16, 8, 45, 0, 0, time.UTC),
			Phase:     phaseProvision,
		},
	}
}

// initNew sets up a new account.
func (a *Account) initNew() {
	a.nextID = firstID
	a.credits = a.opts.Credits
	if a.opts.Empty {
		return
	}
	for _, r := range exampleServers() {
		a.insertLocked(r)
	}
}

// restore loads a state read from the snapshot file.
func (a *Account) restore(s *state) {
	a.seq = s.Seq
	a.nextID = s.NextID
	a.credits = s.Credits
	for _, r := range s.Servers {
		a.insertLocked(r)
	}
}

// replayLocked applies one journal change: the servers it put replace
// those of their ids, the ids it deleted go, and the account's counters
// take its values (the next id never goes back).
func (a *Account) replayLocked(c *change) {
	for _, id := range c.Delete {
		if r := a.byID[id]; r != nil {
			a.removeLocked(r)
		}
	}
	for _, r := range c.Put {
		if old := a.byID[r.ID]; old != nil {
			a.removeLocked(old)
		}
		a.insertLocked(r)
	}
	a.nextID = max(a.nextID, c.NextID)
	a.credits = c.Credits
	a.seq = c.Seq
}

// insertLocked adds a server, keeping servers in id order, and files it
// in the index. Appending a new highest id is O(1).
func (a *Account) insertLocked(r *record) {
	a.index.settle(a.opts.Now(), a.servers)
	a.index.file(r)
	a.byID[r.ID] = r
	a.claimIPv4Locked(r.IPv4)
	if r.ID >= a.nextID {
		a.nextID = r.ID + 1
	}
	n := len(a.servers)
	if n == 0 || a.servers[n-1].ID < r.ID {
		a.servers = append(a.servers, r)
		return
	}
	i := sort.Search(n, func(i int) bool { return a.servers[i].ID >= r.ID })
	a.servers = append(a.servers, nil)
	copy(a.servers[i+1:], a.servers[i:])
	a.servers[i] = r
}

// removeLocked deletes a server and frees its address.
func (a *Account) removeLocked(r *record) {
	a.index.unfile(r)
	delete(a.byID, r.ID)
	a.releaseIPv4Locked(r.IPv4)
	i := sort.Search(len(a.servers), func(i int) bool { return a.servers[i].ID >= r.ID })
	if i < len(a.servers) && a.servers[i] == r {
		a.servers = append(a.servers[:i], a.servers[i+1:]...)
	}
}

// refileLocked files a server anew in the index after its phase or
// suspension changed at now.
func (a *Account) refileLocked(r *record, now time.Time) {
	a.index.settle(now, a.servers)
	a.index.unfile(r)
	a.index.file(r)
}

// stateLocked is the account's state as the snapshot file holds it,
// sharing the account's records: encode it before unlocking.
func (a *Account) stateLocked() *state {
	return &state{
		Format: stateFormat, Version: stateVersion, Seq: a.seq,
		NextID: a.nextID, Credits: a.credits, Servers: a.servers,
	}
}

// snapshotLocked copies the account's state, so it can be encoded without
// holding the lock: at 10,000 servers encoding takes milliseconds, copying
// a small fraction of that. Records are changed in place under the lock,
// so the copy is of the records themselves.
func (a *Account) snapshotLocked() *state {
	recs := make([]record, len(a.servers))
	ptrs := make([]*record, len(a.servers))
	for i, r := range a.servers {
		recs[i] = *r
		ptrs[i] = &recs[i]
	}
	return &state{
		Format: stateFormat, Version: stateVersion, Seq: a.seq,
		NextID: a.nextID, Credits: a.credits, Servers: ptrs,
	}
}

// validateState checks a decoded state file, naming the first problem.
func validateState(s *state) error {
	if s.Format != stateFormat {
		return fmt.Errorf("it is not a vpsfleet sandbox state file (format %q, want %q)", s.Format, stateFormat)
	}
	if s.Version != stateVersion {
		return fmt.Errorf("it has state format version %d; this vpsfleet reads version %d", s.Version, stateVersion)
	}
	seen := make(map[int64]bool, len(s.Servers))
	for i, r := range s.Servers {
		switch {
		case r == nil:
			return fmt.Errorf("servers[%d] is null", i)
		case r.ID <= 0 || seen[r.ID]:
			return fmt.Errorf("servers[%d] has a missing or duplicate id %d", i, r.ID)
		}
		if err := validateRecord(r); err != nil {
			return err
		}
		seen[r.ID] = true
	}
	return nil
}

// validateRecord checks one stored server, naming the first problem.
func validateRecord(r *record) error {
	switch {
	case r.ID <= 0:
		return fmt.Errorf("a server has the invalid id %d", r.ID)
	case plans[r.PlanID].ID == 0:
		return fmt.Errorf("server %d has unknown plan_id %d", r.ID, r.PlanID)
	case osImages[r.OSID].ID == 0:
		return fmt.Errorf("server %d has unknown os_id %d", r.ID, r.OSID)
	}
	switch r.Phase {
	case phaseProvision, phaseStop, phaseStart, phaseReboot:
	default:
		return fmt.Errorf("server %d has unknown phase %q", r.ID, r.Phase)
	}
	return nil
}
