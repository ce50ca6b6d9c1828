package logfwd

import (
	"bytes"
	"sync"
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
}

func newRing(size int) *ring { return &ring{cap: size} }

// add appends b, and a '\n' when open (b does not end a line itself).
func (r *ring) add(b []byte, open bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
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
			r.sink.publish(r.name, string(r.carry[:i]))
			r.carry = r.carry[i+1:]
		}
		if open && len(r.carry) > 0 {
			r.sink.publish(r.name, string(r.carry))
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
	following := r.following()
	for start < len(out) {
		end := start + bytes.IndexByte(out[start:], '\n') + 1
		r.put(out[start+prefixLen : end])
		if following {
			r.sink.publish(r.name, string(out[start+prefixLen:end-1]))
		}
		start = end
	}
}

// put copies b into the ring; r.mu is held.
func (r *ring) put(b []byte) {
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
