package sandbox

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// change is one entry of the journal: the after-image of what one request
// changed. Put holds the servers it created or changed, whole; Delete the
// ids it removed; NextID and Credits are the account's values after it.
// Replaying changes in Seq order onto the snapshot they follow gives the
// account as it was answered.
type change struct {
	Seq     uint64    `json:"seq"`
	NextID  int64     `json:"next_id"`
	Credits int64     `json:"credits"`
	Put     []*record `json:"put,omitempty"`
	Delete  []int64   `json:"delete,omitempty"`
}

// castagnoli is the CRC-32C table the journal's checksums use.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// appendChangeLine appends c as one journal line (see appendFramed).
// Encoding these plain structs cannot fail.
func appendChangeLine(dst []byte, c *change) []byte {
	data, err := json.Marshal(c)
	if err != nil {
		return dst
	}
	return appendFramed(dst, data)
}

// appendFramed appends data as one journal line: the CRC-32C of data in 8
// hex digits, a space, data, a newline.
func appendFramed(dst, data []byte) []byte {
	var sum [4]byte
	crc := crc32.Checksum(data, castagnoli)
	sum[0], sum[1], sum[2], sum[3] = byte(crc>>24), byte(crc>>16), byte(crc>>8), byte(crc)
	dst = hex.AppendEncode(dst, sum[:])
	dst = append(dst, ' ')
	dst = append(dst, data...)
	return append(dst, '\n')
}

// errTornChange is what parseChangeLine returns for a line that is not a
// whole, intact change: the end of a write a crash interrupted.
var errTornChange = errors.New("not a whole journal entry")

// parseChangeLine decodes one journal line, its newline included.
func parseChangeLine(line []byte) (*change, error) {
	if len(line) < 10 || line[len(line)-1] != '\n' || line[8] != ' ' {
		return nil, errTornChange
	}
	var sum [4]byte
	if _, err := hex.Decode(sum[:], line[:8]); err != nil {
		return nil, errTornChange
	}
	data := line[9 : len(line)-1]
	want := uint32(sum[0])<<24 | uint32(sum[1])<<16 | uint32(sum[2])<<8 | uint32(sum[3])
	if crc32.Checksum(data, castagnoli) != want {
		return nil, errTornChange
	}
	var c change
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		// The checksum matched: this is what was written, and it is not a
		// change of this format.
		return nil, fmt.Errorf("it is not a journal entry of state format version %d (%v)", stateVersion, err)
	}
	for i, r := range c.Put {
		if r == nil {
			return nil, fmt.Errorf("change %d: put[%d] is null", c.Seq, i)
		}
		if err := validateRecord(r); err != nil {
			return nil, fmt.Errorf("change %d: %w", c.Seq, err)
		}
	}
	return &c, nil
}

// journalScan is what scanJournal read.
type journalScan struct {
	// end is the offset just past the last whole change read; a torn
	// change after it (a crash mid-write) is not counted.
	end int64
	// torn reports that bytes after end are not a whole change.
	torn bool
	// lines is how many whole changes were read.
	lines int
}

// scanJournal reads journal lines from r, which starts at offset start of
// the file, and calls fn with each whole change in order. It stops at the
// end, at the zeros the file is extended with, or at the first line that
// is not a whole, intact change (what a crash in the middle of a write
// leaves; nothing after it was ever acknowledged). An error from fn, a
// read error or an entry that is intact but not of this format ends the
// scan with that error.
func scanJournal(r io.Reader, start int64, fn func(c *change) error) (journalScan, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	scan := journalScan{end: start}
	for {
		if b, err := br.Peek(1); err == nil && b[0] == 0 {
			scan.torn = true // the zeros after the last change
			return scan, nil
		}
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			c, perr := parseChangeLine(line)
			if errors.Is(perr, errTornChange) {
				scan.torn = true
				return scan, nil
			}
			if perr != nil {
				return scan, fmt.Errorf("entry %d: %w", scan.lines+1, perr)
			}
			if ferr := fn(c); ferr != nil {
				return scan, fmt.Errorf("entry %d: %w", scan.lines+1, ferr)
			}
			scan.end += int64(len(line))
			scan.lines++
		}
		if errors.Is(err, io.EOF) {
			return scan, nil
		}
		if err != nil {
			return scan, err
		}
	}
}
