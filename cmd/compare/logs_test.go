package main

import (
	"bytes"
	"strings"
	"testing"
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

// The END markers are counted even when a write splits one, and done
// closes only when every writer's marker is in.
func TestEndWatch(t *testing.T) {
	t.Parallel()
	e := newEndWatch(2)
	stream := []byte(lines(0, 2, 30, "") + "w0 END\n" + lines(1, 2, 30, "") + "w1 END\n")
	for i := 0; i < len(stream); i += 3 {
		e.Write(stream[i:min(i+3, len(stream))])
		if bytes.HasSuffix(stream[:min(i+3, len(stream))], []byte("w0 END\n")) {
			select {
			case <-e.done:
				t.Fatal("done after the first of two END markers")
			default:
			}
		}
	}
	select {
	case <-e.done:
	default:
		t.Fatal("not done after both END markers, written 3 bytes at a time")
	}
	whole := newEndWatch(1)
	whole.Write([]byte(lines(0, 2, 30, "")))
	whole.Write([]byte("w0 END\n"))
	if d, ok := whole.span(); !ok || d < 0 {
		t.Errorf("span = %v, %v once done", d, ok)
	}
	other := newEndWatch(1)
	other.Write([]byte("w0 ENDING\nw0 EN"))
	if _, ok := other.span(); ok {
		t.Error("a near-miss counted as an END marker")
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
