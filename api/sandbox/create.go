package sandbox

import (
	"fmt"
	"net/http"
	"time"
)

// serveCreate answers POST /api/v1/servers/: validate every field, charge
// the plan's price (402 when the balance cannot cover it), then add the
// server, provisioning until now+ProvisionDelay. The answer waits until
// the server, its id and the next id are on disk. With drop set, the
// server is committed and the answer is lost: the handler aborts.
func (a *Account) serveCreate(w http.ResponseWriter, r *http.Request, drop bool) {
	obj, berr := readObject(r)
	if berr != nil {
		writeJSON(w, berr.status, berr.body)
		return
	}
	in, ferr := validateInput(obj, createRules)
	if ferr != nil {
		writeJSON(w, http.StatusBadRequest, ferr)
		return
	}
	if !a.lockOpen(w) {
		return
	}
	now := a.opts.Now().UTC().Truncate(time.Microsecond)
	price := plans[in.PlanID].Price
	if a.credits < price {
		a.answerLocked(w, http.StatusPaymentRequired, "Insufficient credits")
		return
	}
	a.credits -= price
	rec := &record{
		ID: a.nextID, Name: in.Name, Hostname: in.Hostname,
		PlanID: in.PlanID, OSID: in.OSID, Location: in.Location,
		SSHKeyID: in.SSHKeyID, BackupsEnabled: in.BackupsEnabled,
		CreatedAt: now, UpdatedAt: now,
		Phase: phaseProvision, PhaseUntil: now.Add(a.opts.ProvisionDelay),
	}
	rec.IPv4 = a.allocateIPv4Locked()
	rec.IPv6 = fmt.Sprintf("2001:db8::%x", rec.ID)
	a.insertLocked(rec)
	a.commitLocked([]*record{rec}, nil)
	body := rec.created(now)
	if !a.unlockDurable(w) {
		return
	}
	if drop {
		panic(http.ErrAbortHandler)
	}
	writeJSON(w, http.StatusCreated, body)
}
