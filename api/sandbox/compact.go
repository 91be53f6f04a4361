package sandbox

// minCompactBytes is the least the journal grows before it is compacted,
// so a small account is not rewritten every few changes.
const minCompactBytes = 1 << 20

// compactBoundLocked is how many bytes of changes the journal may hold
// before a compaction starts: as many as the snapshot has, and at least
// minCompactBytes (Options.compactAfter in tests). Replaying the journal
// then costs at most about what reading the snapshot does, and the
// account is rewritten once per snapshot's worth of changes.
func (a *Account) compactBoundLocked() int64 {
	if a.opts.compactAfter > 0 {
		return a.opts.compactAfter
	}
	return max(a.store.snapshotSize, minCompactBytes)
}

// maybeCompactLocked starts a compaction when the journal has grown past
// its bound and none is running. The caller holds a.mu.
//
// A compaction copies the account (under the lock, a few milliseconds at
// 100,000 servers), waits for the journal's pending changes so the copy's
// seq is the journal's last written change, and from then on the journal
// carries every new change aside. In the background it encodes the copy
// and replaces the snapshot atomically; then the journal is replaced by
// one holding only the carried changes. Requests go on meanwhile: each
// change is still synced to the old journal before it is answered. A
// crash at any point leaves a snapshot and a journal whose changes after
// the snapshot's seq are all there.
func (a *Account) maybeCompactLocked() {
	if a.compacting != nil || a.closed || a.store.sinceSnapshot <= a.compactBoundLocked() {
		return
	}
	j := a.store.journal
	if j.lastGroup().wait() != nil {
		return // the journal failed; every request is refused now
	}
	snap := a.snapshotLocked()
	j.startCarry()
	a.store.sinceSnapshot = 0
	done := make(chan struct{})
	a.compacting = done
	go func() {
		defer close(done)
		size, err := a.store.writeSnapshot(snap)
		if err != nil {
			j.stopCarry()
		} else {
			err = j.carryInto()
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		a.compacting = nil
		if err == nil {
			a.store.snapshotSize = size
			// Changes that came while this one ran may already be over
			// the bound: compact again rather than wait for the next
			// change, so the journal stays bounded however fast they
			// come and however slow the disk is.
			a.maybeCompactLocked()
		}
		// On failure the journal still holds every change; the next
		// attempt comes once it has grown by another bound.
	}()
}

// waitCompactionLocked returns once no compaction runs, unlocking a.mu
// while it waits.
func (a *Account) waitCompactionLocked() {
	for a.compacting != nil {
		done := a.compacting
		a.mu.Unlock()
		<-done
		a.mu.Lock()
	}
}
