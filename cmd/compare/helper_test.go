package main

import (
	"bytes"
	"strings"
	"testing"
)

// writeCounter records the size of each write.
type writeCounter struct {
	bytes.Buffer
	sizes []int
}

func (w *writeCounter) Write(p []byte) (int, error) {
	w.sizes = append(w.sizes, len(p))
	return w.Buffer.Write(p)
}

func TestLogLine(t *testing.T) {
	t.Parallel()
	got := string(logLine(nil, 1, 42, 30))
	if got != "w1 00000042 xxxxxxxxxxxxxxxxx\n" || len(got) != 30 {
		t.Fatalf("logLine = %q (%d bytes), want 30 bytes", got, len(got))
	}
}

// Both write modes produce output the checker accepts in full, one write
// per line in line mode and 4 KiB writes in block mode.
func TestHelperLines(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{modeLine, modeBlock} {
		var w writeCounter
		if err := helperLines(&w, []string{"3", "1000", "100", mode}); err != nil {
			t.Fatal(err)
		}
		out := w.String()
		if !strings.HasSuffix(out, "w3 END\n") {
			t.Fatalf("%s: no END marker at the end", mode)
		}
		prefixes := []string{"", "", "", ""}
		c := checkLines(out, 4, 1000, 100, prefixes)
		if c.whole != 1000 || c.torn != 0 || c.dup != 0 {
			t.Errorf("%s: %+v, want 1000 whole lines of writer 3", mode, c)
		}
		switch mode {
		case modeLine:
			if len(w.sizes) != 1001 || w.sizes[0] != 100 {
				t.Errorf("line mode: %d writes, first %d bytes; want 1001 writes of a line", len(w.sizes), w.sizes[0])
			}
		case modeBlock:
			if w.sizes[0] != 4096 {
				t.Errorf("4k mode: first write %d bytes, want 4096", w.sizes[0])
			}
		}
	}
	if err := helperLines(&bytes.Buffer{}, []string{"0", "1", "100", "bogus"}); err == nil {
		t.Error("unknown mode accepted")
	}
}
