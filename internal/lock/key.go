package lock

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"slices"
)

// Key is the advisory lock key of name in scope, as the package
// documentation defines it. It is stable across versions and platforms:
// runs of different vpsfleet builds lock the same key for the same name.
func Key(scope, name string) int64 {
	h := sha256.New()
	h.Write([]byte("vpsfleet lock\x00"))
	var n [binary.MaxVarintLen64]byte
	h.Write(n[:binary.PutUvarint(n[:], uint64(len(scope)))])
	h.Write([]byte(scope))
	h.Write([]byte(name))
	var sum [sha256.Size]byte
	return int64(binary.BigEndian.Uint64(h.Sum(sum[:0])[:8]))
}

// lockKey is one advisory lock and the names of a run that it guards
// (more than one only when names collide).
type lockKey struct {
	key   int64
	names []string // sorted
}

// keysFor is the locks guarding names in scope (keys by keyOf), in ascending key order,
// one per key, leaving out the names skip reports as held already.
func keysFor(keyOf func(scope, name string) int64, scope string, names []string, skip func(key int64, name string) bool) []lockKey {
	byKey := make(map[int64][]string, len(names))
	for _, n := range names {
		k := keyOf(scope, n)
		if skip != nil && skip(k, n) {
			continue
		}
		if !slices.Contains(byKey[k], n) {
			byKey[k] = append(byKey[k], n)
		}
	}
	keys := make([]lockKey, 0, len(byKey))
	for k, ns := range byKey {
		slices.Sort(ns)
		keys = append(keys, lockKey{key: k, names: ns})
	}
	slices.SortFunc(keys, func(a, b lockKey) int { return cmp.Compare(a.key, b.key) })
	return keys
}
