package logfwd

import (
	"bytes"
	"sync"
	"time"
)

// ring keeps the last bytes written by the sources of one name, as text
// lines ending in '\n'. Writing costs a copy per write, not per line, and
// the buffer is allocated on first use, so a silent program costs nothing.
type ring struct {
	mu   sync.Mutex
	cap  int
	buf  []byte
	pos  int  // next write position
	full bool // buf has wrapped at least once

	name  string // the source name, for followers
	sink  *Sink  // nil in tests of the ring alone
	carry []byte // a partial line seen by add while someone follows

	// total counts the bytes ever put, so a line has an absolute offset;
	// marks (a circular list, oldest at markPos once full) say when each
	// write began and its place in the Sink's one order of writes. One mark
	// per write, not per line: the timeline costs no allocation per line.
	total    int64
	marks    []mark
	markPos  int
	ownSeq   uint64 // the order of writes when there is no Sink (tests)
	lastMark mark   // the mark of the write in progress, for publish
}

// mark is when a write of a source began: lines from off on (until the
// next mark) carry its time and sequence number.
type mark struct {
	off int64
	seq uint64
	t   int64 // unix nanoseconds
}

func newRing(size int) *ring { return &ring{cap: size} }

// stamp records that a write starts now; r.mu is held.
func (r *ring) stamp() {
	var seq uint64
	if r.sink != nil {
		seq = r.sink.seq.Add(1)
	} else {
		r.ownSeq++
		seq = r.ownSeq
	}
	m := mark{off: r.total, seq: seq, t: time.Now().UnixNano()}
	r.lastMark = m
	if max := max(r.cap/32, 8); len(r.marks) < max {
		r.marks = append(r.marks, m)
		return
	}
	r.marks[r.markPos] = m
	r.markPos = (r.markPos + 1) % len(r.marks)
}

// add appends b, and a '\n' when open (b does not end a line itself).
func (r *ring) add(b []byte, open bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stamp()
	r.put(b)
	if open {
		r.put([]byte{'\n'})
	}
	if r.following() {
		r.carry = append(r.carry, b...)
		for {
			i := bytes.IndexByte(r.carry, '\n')
			if i < 0 {
				break
			}
			r.sink.publish(r.name, string(r.carry[:i]), r.lastMark)
			r.carry = r.carry[i+1:]
		}
		if open && len(r.carry) > 0 {
			r.sink.publish(r.name, string(r.carry), r.lastMark)
			r.carry = r.carry[:0]
		}
	}
}

func (r *ring) following() bool { return r.sink != nil && r.sink.subs.active.Load() > 0 }

// addPrefixed appends the lines of out, each "prefix text\n", without their
// prefixes. Only the tail that fits the ring is looked at.
func (r *ring) addPrefixed(out []byte, prefixLen int) {
	start := 0
	if over := len(out) - r.cap - prefixLen; over > 0 {
		// Skip to the first line that starts after what the ring can keep.
		i := bytes.IndexByte(out[over:], '\n')
		if i < 0 {
			return
		}
		start = over + i + 1
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stamp()
	following := r.following()
	for start < len(out) {
		end := start + bytes.IndexByte(out[start:], '\n') + 1
		r.put(out[start+prefixLen : end])
		if following {
			r.sink.publish(r.name, string(out[start+prefixLen:end-1]), r.lastMark)
		}
		start = end
	}
}

// put copies b into the ring; r.mu is held.
func (r *ring) put(b []byte) {
	r.total += int64(len(b))
	if r.buf == nil {
		r.buf = make([]byte, r.cap)
	}
	if len(b) >= r.cap {
		copy(r.buf, b[len(b)-r.cap:])
		r.pos, r.full = 0, true
		return
	}
	n := copy(r.buf[r.pos:], b)
	if n < len(b) {
		copy(r.buf, b[n:])
		r.full = true
	}
	r.pos = (r.pos + len(b)) % r.cap
	if r.pos == 0 && len(b) > 0 {
		r.full = true
	}
}

// lastLines returns up to n of the newest complete lines, oldest first.
func (r *ring) lastLines(n int) []string {
	r.mu.Lock()
	var data []byte
	if r.full {
		data = append(append(data, r.buf[r.pos:]...), r.buf[:r.pos]...)
		// The oldest line was cut by the wrap-around: drop it.
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		} else {
			data = nil
		}
	} else {
		data = append(data, r.buf[:r.pos]...)
	}
	r.mu.Unlock()
	data = bytes.TrimSuffix(data, []byte{'\n'})
	if len(data) == 0 {
		return nil
	}
	lines := bytes.Split(data, []byte{'\n'})
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = string(l)
	}
	return out
}

// entry is one kept line and the mark of the write it came in.
type entry struct {
	text string
	seq  uint64
	t    int64 // unix nanoseconds
}

// entries returns up to n of the newest complete lines written at or after
// since (unix nanoseconds; 0 for any), oldest first, each with its write's
// time and sequence number. A line older than the oldest kept mark has no
// known time and is left out (only a source of more than cap/32 writes of
// under 32 bytes each loses lines that way).
func (r *ring) entries(n int, since int64) []entry {
	r.mu.Lock()
	var data []byte
	start := r.total - int64(r.pos)
	if r.full {
		data = append(append(data, r.buf[r.pos:]...), r.buf[:r.pos]...)
		start = r.total - int64(r.cap)
		// The oldest line was cut by the wrap-around: drop it.
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data, start = data[i+1:], start+int64(i+1)
		} else {
			data = nil
		}
	} else {
		data = append(data, r.buf[:r.pos]...)
	}
	marks := make([]mark, 0, len(r.marks))
	marks = append(append(marks, r.marks[r.markPos:]...), r.marks[:r.markPos]...)
	r.mu.Unlock()
	var out []entry
	m := -1
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data) - off // a last line without newline: cannot happen, add ends each
		}
		abs := start + int64(off)
		for m+1 < len(marks) && marks[m+1].off <= abs {
			m++
		}
		if m >= 0 && marks[m].t >= since {
			out = append(out, entry{text: string(data[off : off+end]), seq: marks[m].seq, t: marks[m].t})
		}
		off += end + 1
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out
}
