package lock

import "errors"

// ErrLost is the cause (errors.Is) with which a Locker's Context ends
// when its locks can no longer be trusted: the connection to the lock
// database broke or stopped answering. Another run may take the names
// from then on, so a run must start no new work.
var ErrLost = errors.New("lock lost")

// ErrClosed is the cause with which a Locker's Context ends after Close,
// and the error of every call made after it.
var ErrClosed = errors.New("lock closed")

// IsHeld reports whether err is (or wraps) a *HeldError.
func IsHeld(err error) bool {
	var h *HeldError
	return errors.As(err, &h)
}
