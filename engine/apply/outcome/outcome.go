// Package outcome is how one change of an apply ended: the word that
// the executor records in its results and events, that its rollout
// schedule reads to decide what may start next, and that the views show.
// It imports nothing.
package outcome

// Outcome is how one server's chain of actions ended.
type Outcome string

// The outcomes of a server's chain.
const (
	// Done: every action of the change succeeded.
	Done Outcome = "done"
	// Failed: an action failed; the result's error says which and why.
	Failed Outcome = "failed"
	// NotStarted: no request was sent for this server (credits ran out,
	// the token was refused, the run was interrupted, the live server is
	// suspended, its group's rollout stopped, or a group it waits for did
	// not come up); the result's error says why.
	NotStarted Outcome = "not started"
	// Interrupted: the run was interrupted after this server's chain had
	// begun; the next apply picks up where it stopped.
	Interrupted Outcome = "interrupted"
)
