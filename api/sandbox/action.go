package sandbox

import (
	"net/http"
	"time"
)

// actionMessages are the success messages of the power actions.
var actionMessages = map[string]string{
	"start":  "Server is starting",
	"stop":   "Server is stopping",
	"reboot": "Server is rebooting",
}

// refusal is why a power action cannot run on a server in a status; ""
// means it can.
func refusal(action, status string) string {
	if status == statusSuspended {
		return msgSuspended
	}
	if action == "start" {
		switch status {
		case statusStopped:
			return ""
		case statusStarting:
			return "Server is already starting"
		case statusProvisioning:
			return "Server is still being provisioned"
		case statusStopping:
			return "Server is stopping; start it once it is stopped"
		default: // active, rebooting
			return "Server is already running"
		}
	}
	if status != statusActive {
		return "Server is not running"
	}
	return ""
}

// serveAction answers POST /api/v1/servers/{id}/{start,stop,reboot}/:
// the server enters starting, stopping or rebooting for TransitionDelay.
func (a *Account) serveAction(w http.ResponseWriter, id int64, action string) {
	rec := a.lockRecord(w, id)
	if rec == nil {
		return
	}
	now := a.opts.Now()
	if why := refusal(action, rec.status(now)); why != "" {
		a.answerLocked(w, http.StatusBadRequest, why)
		return
	}
	switch action {
	case "start":
		rec.Phase = phaseStart
	case "stop":
		rec.Phase = phaseStop
	default:
		rec.Phase = phaseReboot
	}
	rec.PhaseUntil = now.Add(a.opts.TransitionDelay)
	rec.UpdatedAt = now.UTC().Truncate(time.Microsecond)
	a.refileLocked(rec, now)
	a.commitLocked([]*record{rec}, nil)
	body := wireAction{Status: "success", Message: actionMessages[action], Server: rec.actionServer(now)}
	if !a.unlockDurable(w) {
		return
	}
	writeJSON(w, http.StatusOK, body)
}
