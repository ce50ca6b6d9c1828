package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

func lines(id, n, size int, prefix string) string {
	var b []byte
	for seq := 0; seq < n; seq++ {
		b = append(b, prefix...)
		b = logLine(b, id, seq, size)
	}
	return string(b)
}

func TestCheckLinesWhole(t *testing.T) {
	t.Parallel()
	out := lines(0, 3, 40, "a | ") + "appstart-ish message\n" + lines(1, 3, 40, "b | ") + "a | w0 END\nb | w1 END\n"
	got := checkLines(out, 2, 3, 40, []string{"a | ", "b | "})
	if got != (lineCheck{whole: 6, other: 1}) {
		t.Fatalf("checkLines = %+v, want 6 whole, 1 other", got)
	}
}

// Each way a line can go wrong is seen, and the intact count drops by
// exactly the lines damaged: the checker can fail.
func TestCheckLinesDamage(t *testing.T) {
	t.Parallel()
	const size = 40
	l0, l1, l2 := string(logLine(nil, 0, 0, size)), string(logLine(nil, 0, 1, size)), string(logLine(nil, 0, 2, size))
	for _, tc := range []struct {
		name string
		out  string
		want lineCheck
	}{
		{"lost", l0 + l2, lineCheck{whole: 2, lost: 1}},
		{"torn mid-line by another line", l0[:10] + l1 + l0[10:] + l2, lineCheck{whole: 1, lost: 2, torn: 2}},
		{"cut short", l0 + l1[:20] + "\n" + l2, lineCheck{whole: 2, lost: 1, torn: 1}},
		{"wrong prefix", l0 + "b | " + l1 + l2, lineCheck{whole: 2, lost: 1, torn: 1}},
		{"duplicated", l0 + l1 + l1 + l2, lineCheck{whole: 3, dup: 1}},
		{"joined", l0 + strings.TrimSuffix(l1, "\n") + l2, lineCheck{whole: 1, lost: 2, torn: 1}},
	} {
		if got := checkLines(tc.out, 1, 3, size, []string{""}); got != tc.want {
			t.Errorf("%s: checkLines = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// The END markers are counted even when a write splits one, done closes
// only when every writer's marker is in, and the capture keeps every byte.
func TestCapture(t *testing.T) {
	t.Parallel()
	c, w := openCapture(t, 16, 2) // too small on purpose: the buffer grows
	stream := []byte(lines(0, 2, 30, "") + "w0 END\n" + lines(1, 2, 30, "") + "w1 END\n")
	for i := 0; i < len(stream); i += 3 {
		if _, err := w.Write(stream[i:min(i+3, len(stream))]); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	<-c.done
	out, err := c.finish(10 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, stream) {
		t.Errorf("captured %q, want %q", out, stream)
	}
	if c.seen != 2 {
		t.Errorf("saw %d END markers, want 2", c.seen)
	}
	if d, ok := c.span(); !ok || d < 0 {
		t.Errorf("span = %v, %v once done", d, ok)
	}
}

// countEnds counts what bytes.Count counts, wherever the marker and other
// E's fall.
func TestCountEnds(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"", "E", " END\n", "END\n w0 END\n", "w0 END\nw1 END\n", "E END\n", " E END\n END",
		"w0 ENDING\n", " END END\n", "EEEE END\nEE", lines(0, 3, 30, "a | ") + "w0 END\n",
	} {
		if got, want := countEnds([]byte(in)), bytes.Count([]byte(in), endMarker); got != want {
			t.Errorf("countEnds(%q) = %d, bytes.Count says %d", in, got, want)
		}
	}
}

func TestCaptureNearMiss(t *testing.T) {
	t.Parallel()
	c, w := openCapture(t, 1024, 1)
	w.Write([]byte(lines(0, 1, 30, "") + "w0 ENDING\nw0 EN"))
	w.Close()
	if _, err := c.finish(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.span(); ok {
		t.Error("a near-miss counted as an END marker")
	}
}

func TestLogCell(t *testing.T) {
	t.Parallel()
	run := func(ms int, lost int) logRun {
		return logRun{span: time.Duration(ms) * time.Millisecond, check: lineCheck{lost: lost}}
	}
	direct := []logRun{run(100, 0), run(100, 0), run(100, 0)}
	got := logCell(direct, []logRun{run(100, 0), run(125, 2), run(200, 1)})
	if want := "0.80× [0.65–0.90] (125 ms vs 100 ms), 3 lost/torn"; got != want {
		t.Errorf("logCell = %q, want %q", got, want)
	}
	withCPU := []logRun{run(100, 0), run(125, 0), run(200, 0)}
	withCPU[0].cpu, withCPU[1].cpu = 20*time.Millisecond, 30*time.Millisecond
	got = logCell(direct, withCPU)
	if want := "0.80× [0.65–0.90] (125 ms vs 100 ms), 0 lost/torn, PID 1 CPU 25 ms"; got != want {
		t.Errorf("logCell = %q, want %q", got, want)
	}
	// A round that failed on either side leaves that round's ratio out.
	got = logCell([]logRun{run(100, 0), {}, run(100, 0)}, []logRun{run(50, 0), run(100, 0), {}})
	if want := "2.00× [2.00–2.00] (75 ms vs 100 ms), 0 lost/torn"; got != want {
		t.Errorf("logCell with failed rounds = %q, want %q", got, want)
	}
}

// The CPU time of a live process's threads is read, and grows as it works.
func TestCPUTime(t *testing.T) {
	t.Parallel()
	p := procFS{os.DirFS("/proc")}
	before, err := p.cpuTime(os.Getpid())
	if err != nil || before <= 0 {
		t.Fatalf("cpuTime = %v, %v", before, err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; { // spin: a loaded machine runs us late, never not at all
		now, err := p.cpuTime(os.Getpid())
		if err != nil {
			t.Fatal(err)
		}
		if now-before >= 5*time.Millisecond {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("cpuTime still %v after spinning 10 s (started at %v)", now, before)
		}
	}
	if _, err := p.cpuTime(1 << 30); err == nil {
		t.Error("cpuTime of a pid that cannot exist: no error")
	}
}

// Lines written straight to the container's stdout arrive whole and are
// timed, from one writer and from two sharing the pipe: a write of at most
// PIPE_BUF bytes is atomic (pipe(7)), so one write per line never tears.
// (That the check catches damage is TestCheckLinesDamage's job: tearing
// between real writers depends on scheduling.)
func TestLogOnceInHarness(t *testing.T) {
	t.Parallel()
	b := testBench(t, config{logLines: 20000, logLineSize: 100})
	for _, writers := range []int{1, 2} {
		r, err := b.logOnce(logConfig{p: peer{kind: kindDirect}, writers: writers}, modeLine)
		if err != nil {
			t.Fatal(err)
		}
		if r.check != (lineCheck{whole: 20000}) || r.span <= 0 {
			t.Errorf("%d writers: %+v; want 20000 whole lines and a span", writers, r)
		}
	}
}

// openCapture makes a capture expecting size bytes from writers, closed with the
// test, and opens its FIFO for writing.
func openCapture(t *testing.T, size, writers int) (*capture, *os.File) {
	t.Helper()
	c, err := newCapture(size, writers)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	w, err := os.OpenFile(c.path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return c, w
}
