package logfwd

import (
	"fmt"
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
