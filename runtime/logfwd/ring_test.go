package logfwd

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

func TestRingKeepsNewestWholeLines(t *testing.T) {
	t.Parallel()
	r := newRing(16)
	if r.lastLines(5) != nil {
		t.Fatal("empty ring returned lines")
	}
	r.add([]byte("a\nbb\n"), false)
	r.add([]byte("ccc"), true)
	if got := fmt.Sprint(r.lastLines(5)); got != "[a bb ccc]" {
		t.Fatalf("got %s", got)
	}
	r.add([]byte("dddd\neeeee\n"), false) // 20 bytes in all: wraps
	if got := fmt.Sprint(r.lastLines(5)); got != "[ccc dddd eeeee]" {
		t.Fatalf("after wrap got %s", got)
	}
	r.add([]byte("0123456789abcdefXYZ\n"), false) // longer than the ring
	if got := r.lastLines(5); got != nil && fmt.Sprint(got) != "[]" {
		t.Fatalf("a line longer than the ring must not appear cut, got %q", got)
	}
	r.addPrefixed([]byte("p: x\np: y\n"), 3)
	if got := fmt.Sprint(r.lastLines(2)); got != "[x y]" {
		t.Fatalf("prefixed got %s", got)
	}
}

// A prefixed source's ring and followers get its lines without the prefix,
// cut at MaxLine as stdout shows them, whether or not a line of the write
// had to be cut (write puts an uncut chunk in the ring in one copy, a cut
// one line by line from the output).
func TestPrefixedRingKeepsOutputLines(t *testing.T) {
	t.Parallel()
	const max = 8
	for _, c := range []struct {
		chunk string
		open  bool
	}{
		{"one\ntwo\n", false},
		{"one\ntwo", true},
		{"short\n0123456789abcdef\nend\n", false}, // a line over max
		{"0123456789ab", true},                    // an open one over max
		{"é1234567é\n", false},                    // cut between runes
		{"\n\n", false},
	} {
		s := NewSink(io.Discard, Options{MaxLine: max, RecentBytes: 64})
		lines, cancel := s.Subscribe("web", 64)
		sp := s.newSplitter("web", "web | ")
		sp.write([]byte(c.chunk), c.open)
		cancel()
		out := oldFormat([]byte(c.chunk), []byte("web | "), max)
		var want []string
		for _, l := range strings.SplitAfter(string(out), "\n") {
			if l != "" {
				want = append(want, strings.TrimSuffix(strings.TrimPrefix(l, "web | "), "\n"))
			}
		}
		var followed []string
		for l := range lines {
			followed = append(followed, l.Text)
		}
		if got := s.ringFor("web").lastLines(100); !slices.Equal(got, want) {
			t.Errorf("write(%q, open %v): ring keeps %q, stdout showed %q", c.chunk, c.open, got, want)
		}
		if !slices.Equal(followed, want) {
			t.Errorf("write(%q, open %v): followers got %q, stdout showed %q", c.chunk, c.open, followed, want)
		}
	}
}
