package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"appstart/runtime/harness/skip"
)

// The start-to-exec cell: against true run directly, the init's own CPU
// (the run's less the direct run's), and for appstart its distance from
// go-floor in time and as a ratio, and round by round.
func TestLatencyCell(t *testing.T) {
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	direct := latencyRun{wall: ms(2.14), cpu: ms(1.50)}
	floor := latencyRun{wall: ms(4.53), cpu: ms(3.50)}
	appstart := latencyRun{wall: ms(5.75), cpu: ms(4.60)}
	for _, c := range []struct {
		name    string
		run, vs latencyRun
		want    string
	}{
		{"appstart beside go-floor", appstart, floor,
			"2.69× (5.75 ms vs 2.14 ms), init CPU 3.10 ms; go-floor +1.22 ms (1.27×), its init CPU 2.00 ms"},
		{"a peer", floor, latencyRun{}, "2.12× (4.53 ms vs 2.14 ms), init CPU 2.00 ms"},
		// The distance round by round is the median of the rounds'
		// differences (+1.5 +1.0 +1.5 +1.3 +1.0), not the difference of the
		// medians (7.5 - 6.0).
		{"round by round", latencyRun{wall: ms(7.5), cpu: ms(4.60), times: []time.Duration{ms(5.5), ms(6.0), ms(7.5), ms(8.3), ms(9.0)}},
			latencyRun{wall: ms(6.0), cpu: ms(3.50), times: []time.Duration{ms(4.0), ms(5.0), ms(6.0), ms(7.0), ms(8.0)}},
			"3.50× (7.50 ms vs 2.14 ms), init CPU 3.10 ms; go-floor +1.50 ms (1.25×), its init CPU 2.00 ms; round by round +1.30 ms [+1.00, +1.50]"},
	} {
		if got := latencyCell(c.run, direct, c.vs); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

// A read-back copy starts with none of its pages cached, so its first runs
// fault it in from the disk; a written copy is all in the cache.
func TestBinStateCopy(t *testing.T) {
	dir, err := os.MkdirTemp("/var/tmp", "compare-test-")
	if err != nil {
		skip.OrFail(t, "no /var/tmp to copy into: %v", err)
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "src")
	if err := os.WriteFile(src, bytes.Repeat([]byte("x"), 256<<10), 0o755); err != nil {
		t.Fatal(err)
	}
	resident := func(path string) int {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		n, err := residentPages(f)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	w, err := written.copy(src, filepath.Join(dir, "w"))
	if err != nil {
		t.Fatal(err)
	}
	if n := resident(w); n != 64 {
		t.Errorf("written copy: %d of 64 pages cached, want all", n)
	}
	r, err := readBack.copy(src, filepath.Join(dir, "r"))
	if err != nil {
		if strings.Contains(err.Error(), "stayed") {
			skip.OrFail(t, "%v: this filesystem keeps its pages", err)
		}
		t.Fatal(err)
	}
	if n := resident(r); n != 0 {
		t.Errorf("read-back copy: %d pages cached, want none", n)
	}
}
