package main

import (
	"bytes"
	"errors"
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

// Each measure's cells: appstart against go-floor in the same binary state,
// the peers against true alone, a failed series or a failed direct run
// named in its cell.
func TestLatencyCells(t *testing.T) {
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	run := func(f float64) latencyRun { return latencyRun{wall: ms(f)} }
	direct := series{run: run(2)}
	inits := []series{
		{kind: kindGoFloor, state: written, run: run(4)},
		{kind: kindGoFloor, state: readBack, run: run(5)},
		{kind: kindAppstart, state: written, run: run(5)},
		{kind: kindAppstart, state: readBack, run: run(7)},
		{kind: kindTini, state: written, run: run(3)},
		{kind: kindDumbInit, state: written, err: errors.New("boom")},
	}
	cells := [2]map[peerKind]string{{}, {}}
	lines := latencyCells(cells, direct, inits, "to exec")
	for kind, want := range map[peerKind]string{
		kindAppstart: "go-floor +1.00 ms (1.25×)",
		kindTini:     "1.50× (3.00 ms vs 2.00 ms)",
		kindDumbInit: "boom",
	} {
		if !strings.Contains(cells[written][kind], want) {
			t.Errorf("%s, written: %q, want it to hold %q", kind, cells[written][kind], want)
		}
	}
	if c := cells[readBack][kindAppstart]; !strings.Contains(c, "go-floor +2.00 ms (1.40×)") {
		t.Errorf("appstart, read back: %q, want the distance from go-floor read back", c)
	}
	if c := cells[written][kindTini]; strings.Contains(c, "go-floor") {
		t.Errorf("tini: %q, want no go-floor distance", c)
	}
	if len(lines) != len(inits) || !strings.Contains(lines[4], "tini, written by a copy, to exec: 1.50×") {
		t.Errorf("progress lines %q", lines)
	}
	cells = [2]map[peerKind]string{{}, {}}
	latencyCells(cells, series{err: errors.New("no unshare")}, inits[:1], "to the end")
	if c := cells[written][kindGoFloor]; !strings.Contains(c, "no unshare") {
		t.Errorf("with true not run directly: %q, want its error", c)
	}
}
