package rollout

import "fmt"

// Batch places a change in its group's rollout: batch Number of Of of
// group Group. The zero Batch is a change no rollout governs.
type Batch struct {
	Group  string
	Number int
	Of     int
}

// String says "batch 2 of 10 of web", or "" for the zero Batch.
func (b Batch) String() string {
	if b.Number == 0 {
		return ""
	}
	return fmt.Sprintf("batch %d of %d of %s", b.Number, b.Of, b.Group)
}
