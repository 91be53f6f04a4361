package engine

import (
	"errors"
	"fmt"
)

// Check reports the first way p is not a plan the executor can run: an
// unknown action, actions that contradict each other (see contradiction),
// a change without the states its actions need (a create
// needs an after state and no live one; a delete a live one and no after
// state; every other action both), a live state without an id, a name
// used by two changes, or a batch or group to wait for that the plan's
// Groups do not hold. Plans from BuildPlan always pass; a saved plan that
// was edited or damaged may not, and must then not be applied.
func (p *Plan) Check() error {
	if p == nil {
		return errors.New("there is no plan")
	}
	names := make(map[string]bool, len(p.Changes))
	for i, c := range p.Changes {
		where := fmt.Sprintf("change %d (%q)", i+1, c.Name)
		if c.Name == "" {
			return fmt.Errorf("%s has no server name", where)
		}
		if names[c.Name] {
			return fmt.Errorf("%s: two changes name the same server", where)
		}
		names[c.Name] = true
		if len(c.Actions) == 0 {
			return fmt.Errorf("%s has no action", where)
		}
		for _, a := range c.Actions {
			if !a.Known() {
				return fmt.Errorf("%s: unknown action %q", where, a)
			}
		}
		if why := contradiction(c); why != "" {
			return fmt.Errorf("%s: actions %v %s", where, c.Actions, why)
		}
		switch {
		case c.Has(ActionCreate):
			if c.Before != nil || c.After == nil {
				return fmt.Errorf("%s: a create needs a desired state and no live one", where)
			}
		case c.Has(ActionDelete):
			if c.Before == nil || c.After != nil {
				return fmt.Errorf("%s: a delete needs a live state and no desired one", where)
			}
		default:
			if c.Before == nil || c.After == nil {
				return fmt.Errorf("%s: %v needs both the live and the desired state", where, c.Actions)
			}
		}
		if c.Before != nil && c.Before.ID <= 0 {
			return fmt.Errorf("%s: the live state has no server id", where)
		}
		if c.Batch != 0 {
			if g := p.Group(c.Group); c.Batch < 0 || g == nil || g.Rollout == nil || c.Batch > g.Rollout.Batches {
				return fmt.Errorf("%s: batch %d of group %q is not a batch of a rollout the plan holds", where, c.Batch, c.Group)
			}
		}
		for _, label := range c.WaitsFor {
			if p.Group(label) == nil {
				return fmt.Errorf("%s: it waits for group %q, which the plan does not hold", where, label)
			}
		}
		if r := c.Replacement; r != nil {
			switch {
			case !c.Has(ActionReplace) || !c.CreateBeforeDestroy:
				return fmt.Errorf("%s: only a create_before_destroy replace can finish with an existing server", where)
			case r.ID <= 0 || r.ID == c.Before.ID:
				return fmt.Errorf("%s: the replacement server has no id of its own", where)
			}
		}
	}
	return nil
}

// contradiction says why a change's actions cannot go together, or "" when
// they can. The planner makes only these sets: create or replace, each
// with an optional stop; delete alone; reboot alone; and any of rename,
// update, and one of start or stop.
func contradiction(c Change) string {
	has := func(a Action) int {
		if c.Has(a) {
			return 1
		}
		return 0
	}
	switch {
	case c.Has(ActionDelete) && len(c.Actions) > 1:
		return "mix a delete with other actions"
	case c.Has(ActionReboot) && len(c.Actions) > 1:
		return "mix a reboot with other actions"
	case has(ActionCreate)+has(ActionReplace) > 1:
		return "both create and replace the server"
	case (c.Has(ActionCreate) || c.Has(ActionReplace)) && (c.Has(ActionRename) || c.Has(ActionUpdate) || c.Has(ActionStart)):
		return "change in place a server that is being made anew"
	case c.Has(ActionStart) && c.Has(ActionStop):
		return "both start and stop the server"
	}
	return ""
}
