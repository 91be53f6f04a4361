package sandbox

import "sort"

// idListChunk is the most servers one chunk of an idList holds.
const idListChunk = 512

// idList is a set of servers in id order that can be read by position,
// as a page is: a list of chunks of at most idListChunk servers each, so
// adding or removing a server anywhere moves at most one chunk's entries,
// and finding a position walks the chunks' lengths (about N/300 of them).
// The zero value is empty.
type idList struct {
	chunks [][]*record
	n      int
}

// len is the number of servers in the list; a nil list is empty.
func (l *idList) len() int {
	if l == nil {
		return 0
	}
	return l.n
}

// chunkFor is the index of the chunk where id belongs: the first whose
// last id is at least id, or the last chunk.
func (l *idList) chunkFor(id int64) int {
	i := sort.Search(len(l.chunks), func(i int) bool {
		c := l.chunks[i]
		return c[len(c)-1].ID >= id
	})
	return min(i, len(l.chunks)-1)
}

// insert adds r, which must not be in the list.
func (l *idList) insert(r *record) {
	l.n++
	if len(l.chunks) == 0 {
		l.chunks = append(l.chunks, append(make([]*record, 0, idListChunk), r))
		return
	}
	ci := l.chunkFor(r.ID)
	c := l.chunks[ci]
	if ci == len(l.chunks)-1 && c[len(c)-1].ID < r.ID && len(c) == idListChunk {
		// A new highest id, the usual case: start a new chunk rather
		// than split a full one, so chunks stay full.
		l.chunks = append(l.chunks, append(make([]*record, 0, idListChunk), r))
		return
	}
	i := sort.Search(len(c), func(i int) bool { return c[i].ID >= r.ID })
	c = append(c, nil)
	copy(c[i+1:], c[i:])
	c[i] = r
	if len(c) <= idListChunk {
		l.chunks[ci] = c
		return
	}
	half := len(c) / 2
	right := append(make([]*record, 0, idListChunk), c[half:]...)
	clear(c[half:])
	l.chunks[ci] = c[:half]
	l.chunks = append(l.chunks, nil)
	copy(l.chunks[ci+2:], l.chunks[ci+1:])
	l.chunks[ci+1] = right
}

// remove deletes r; it does nothing when r is not in the list.
func (l *idList) remove(r *record) {
	if len(l.chunks) == 0 {
		return
	}
	ci := l.chunkFor(r.ID)
	c := l.chunks[ci]
	i := sort.Search(len(c), func(i int) bool { return c[i].ID >= r.ID })
	if i == len(c) || c[i] != r {
		return
	}
	l.n--
	copy(c[i:], c[i+1:])
	c[len(c)-1] = nil
	c = c[:len(c)-1]
	if len(c) > 0 {
		l.chunks[ci] = c
		return
	}
	copy(l.chunks[ci:], l.chunks[ci+1:])
	l.chunks[len(l.chunks)-1] = nil
	l.chunks = l.chunks[:len(l.chunks)-1]
}

// appendRange appends the servers at positions lo to hi-1 to dst; a nil
// list is empty.
func (l *idList) appendRange(dst []*record, lo, hi int) []*record {
	if l == nil {
		return dst
	}
	pos := 0
	for _, c := range l.chunks {
		if lo >= hi {
			break
		}
		if pos+len(c) <= lo {
			pos += len(c)
			continue
		}
		from, to := lo-pos, min(len(c), hi-pos)
		dst = append(dst, c[from:to]...)
		lo = pos + to
		pos += len(c)
	}
	return dst
}
