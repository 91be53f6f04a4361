package sandbox

import (
	"errors"
	"fmt"
	"time"
)

// ServerSpec is a server for Import: the fields a create takes.
type ServerSpec struct {
	Name           string
	PlanID         int64
	OSID           int64
	Location       string
	Hostname       string // "" for none
	BackupsEnabled bool
	// Stopped imports the server stopped instead of active.
	Stopped bool
}

// Import adds servers directly, for benchmarks and tests that need a large
// account quickly (end-to-end tests of the client create through HTTP
// instead). The servers get the next ids in order and are already
// provisioned (active, or stopped with Stopped), with addresses assigned;
// no credits are charged. Every spec is checked as a create would check
// it; when one is invalid, Import adds nothing and says which one and
// why. It returns the new ids in spec order once the servers are on disk,
// or the error that kept them from it.
func (a *Account) Import(specs []ServerSpec) ([]int64, error) {
	for i, s := range specs {
		if err := s.check(); err != nil {
			return nil, fmt.Errorf("sandbox import: server %d (%q): %w", i, s.Name, err)
		}
	}
	if a.readOnly != nil {
		return nil, errors.New("sandbox import: " + a.readOnly.readOnlyDetail())
	}
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil, errClosed
	}
	if err := a.stateFailedLocked(); err != nil {
		a.mu.Unlock()
		return nil, fmt.Errorf("sandbox import: %w", err)
	}
	now := a.opts.Now().UTC().Truncate(time.Microsecond)
	ids := make([]int64, len(specs))
	recs := make([]*record, len(specs))
	for i, s := range specs {
		rec := &record{
			ID: a.nextID, Name: s.Name, Hostname: s.Hostname,
			PlanID: s.PlanID, OSID: s.OSID, Location: s.Location,
			BackupsEnabled: s.BackupsEnabled,
			CreatedAt:      now, UpdatedAt: now, Phase: phaseProvision,
		}
		if s.Stopped {
			rec.Phase = phaseStop
		}
		rec.IPv4 = a.allocateIPv4Locked()
		rec.IPv6 = fmt.Sprintf("2001:db8::%x", rec.ID)
		a.insertLocked(rec)
		ids[i] = rec.ID
		recs[i] = rec
	}
	a.commitLocked(recs, nil)
	if err := a.unlockWait(); err != nil {
		return nil, fmt.Errorf("sandbox import: %w", err)
	}
	return ids, nil
}

// check validates a spec like a create body.
func (s ServerSpec) check() error {
	var errs []error
	if !validName(s.Name) || len(s.Name) > maxNameLen {
		errs = append(errs, errors.New("name: "+msgBadName))
	}
	if _, ok := plans[s.PlanID]; !ok {
		errs = append(errs, fmt.Errorf("plan_id: no plan %d", s.PlanID))
	}
	if _, ok := osImages[s.OSID]; !ok {
		errs = append(errs, fmt.Errorf("os_id: no OS %d", s.OSID))
	}
	if !locations[s.Location] {
		errs = append(errs, fmt.Errorf("location: no location %q", s.Location))
	}
	if s.Hostname != "" && (!validHostname(s.Hostname) || len(s.Hostname) > maxHostnameLen) {
		errs = append(errs, errors.New("hostname: "+msgBadHostname))
	}
	return errors.Join(errs...)
}
