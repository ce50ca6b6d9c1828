package logfwd

import (
	"strings"
	"testing"
)

// TestFirstFullReadGrowsToTheLimit: a source whose read fills the small
// first buffer gets the whole read buffer at once. Doubling from 4 KiB made
// a flooding program's reader allocate six buffers and touch every page of
// each (~250 page faults more per program, each costly in a VM).
func TestFirstFullReadGrowsToTheLimit(t *testing.T) {
	t.Parallel()
	s := NewSink(&syncBuffer{}, Options{})
	sp := s.newSplitter("flood", "flood | ")
	if cap(sp.buf) != initialBuf {
		t.Fatalf("first buffer %d bytes, want %d", cap(sp.buf), initialBuf)
	}
	src := strings.NewReader(strings.Repeat(strings.Repeat("x", 99)+"\n", 1000))
	if n, err := sp.fill(src); err != nil || n != initialBuf {
		t.Fatalf("first read: %d, %v; want a full %d-byte buffer", n, err, initialBuf)
	}
	if want := s.opts.MaxLine + readHeadroom; cap(sp.buf) != want {
		t.Errorf("after a full read the buffer holds %d bytes, want %d at once", cap(sp.buf), want)
	}
}
