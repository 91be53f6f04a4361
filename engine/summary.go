package engine

// summarize counts the changes carrying each action. A replace counts once,
// as a replace (not as a create and a delete).
func summarize(changes []Change) Summary {
	var s Summary
	for _, c := range changes {
		for _, a := range c.Actions {
			if info, ok := a.Info(); ok {
				*info.count(&s)++
			}
		}
	}
	return s
}

// PowerChanges is the number of starts plus stops: the "power change"
// count of the summary line.
func (s Summary) PowerChanges() int { return s.Start + s.Stop }
