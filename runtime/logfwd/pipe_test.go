package logfwd

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestChattyWritersStayWhole has 3 sources write N lines each, in random
// chunks that cut lines anywhere, concurrently. Every output line must carry
// one source's prefix and a complete body, and each source's sequence must
// be complete and in order.
func TestChattyWritersStayWhole(t *testing.T) {
	t.Parallel()
	const n = 3000
	dst := &syncBuffer{}
	s := NewSink(dst, Options{})
	names := []string{"web", "web.2", "worker"}
	var wg sync.WaitGroup
	for i, name := range names {
		w, done, err := s.Pipe(name, FormatPrefix(DefaultFormat, name))
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var all bytes.Buffer
			for seq := 0; seq < n; seq++ {
				// Bodies of varying length so cuts land everywhere.
				fmt.Fprintf(&all, "%s %05d %s\n", name, seq, strings.Repeat("x", seq%97))
			}
			rnd := rand.New(rand.NewSource(int64(i)))
			b := all.Bytes()
			for len(b) > 0 {
				k := 1 + rnd.Intn(300)
				if k > len(b) {
					k = len(b)
				}
				if _, err := w.Write(b[:k]); err != nil {
					t.Error(err)
					return
				}
				b = b[k:]
			}
			w.Close()
			waitDone(t, done, name)
		}()
	}
	wg.Wait()
	next := map[string]int{}
	for _, line := range lines(dst.String()) {
		prefix, body, ok := strings.Cut(line, " | ")
		if !ok {
			t.Fatalf("line without prefix: %q", line)
		}
		var name string
		var seq int
		var pad string
		if _, err := fmt.Sscanf(body, "%s %d %s", &name, &seq, &pad); err != nil && seq%97 != 0 {
			t.Fatalf("torn line %q: %v", line, err)
		}
		if name != prefix || seq != next[name] || len(pad) != seq%97 {
			t.Fatalf("line %q: want %s seq %d with %d x", line, prefix, next[prefix], next[prefix]%97)
		}
		next[name]++
	}
	for _, name := range names {
		if next[name] != n {
			t.Errorf("%s: %d lines, want %d", name, next[name], n)
		}
	}
}

func TestLongLineIsSplit(t *testing.T) {
	t.Parallel()
	dst := &syncBuffer{}
	s := NewSink(dst, Options{})
	w, done, err := s.Pipe("big", "big | ")
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("0123456789", 20000) // 200,000 bytes, no newline until the end
	go func() {
		fmt.Fprint(w, long+"\nafter\n")
		w.Close()
	}()
	waitDone(t, done, "big")
	got := lines(dst.String())
	// 200,000 = 3 * 65,536 + 3,392
	wantLens := []int{65536, 65536, 65536, 3392}
	if len(got) != len(wantLens)+1 {
		t.Fatalf("got %d lines, want %d", len(got), len(wantLens)+1)
	}
	var joined strings.Builder
	for i, l := range got[:len(wantLens)] {
		body, ok := strings.CutPrefix(l, "big | ")
		if !ok || len(body) != wantLens[i] {
			t.Fatalf("piece %d: prefix ok %v, %d bytes, want %d", i, ok, len(body), wantLens[i])
		}
		joined.WriteString(body)
	}
	if joined.String() != long || got[len(got)-1] != "big | after" {
		t.Fatal("pieces do not add up to the original line")
	}
}

func TestSplitKeepsUTF8Whole(t *testing.T) {
	t.Parallel()
	dst := &syncBuffer{}
	s := NewSink(dst, Options{MaxLine: 10})
	w, done, err := s.Pipe("u", "> ")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(w, "aaaaaaaaaé€bb\n") // 9 a's then a 2-byte and a 3-byte rune
	fmt.Fprint(w, "0123456789")      // exactly MaxLine: whole, no empty line after
	fmt.Fprint(w, "\n")
	w.Close()
	waitDone(t, done, "u")
	if got, want := dst.String(), "> aaaaaaaaa\n> é€bb\n> 0123456789\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestPartialLastLineFlushedAtEOF(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ prefix, want string }{
		{"p | ", "p | abc\np | last-no-newline\n"},
		{"", "abc\nlast-no-newline"}, // unchanged bytes: no newline invented
	} {
		dst := &syncBuffer{}
		s := NewSink(dst, Options{})
		w, done, err := s.Pipe("p", tc.prefix)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(w, "abc\nlast-no")
		fmt.Fprint(w, "-newline")
		w.Close()
		waitDone(t, done, "p")
		if got := dst.String(); got != tc.want {
			t.Errorf("prefix %q: got %q, want %q", tc.prefix, got, tc.want)
		}
	}
}

func TestEmptyPrefixPassesBytesUnchanged(t *testing.T) {
	t.Parallel()
	dst := &syncBuffer{}
	s := NewSink(dst, Options{MaxLine: 1000})
	w, done, err := s.Pipe("raw", "")
	if err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewSource(1))
	in := make([]byte, 300000)
	rnd.Read(in) // arbitrary bytes, newlines and lines over MaxLine included
	go func() {
		for b := in; len(b) > 0; {
			k := min(len(b), 1+rnd.Intn(5000))
			w.Write(b[:k])
			b = b[k:]
		}
		w.Close()
	}()
	waitDone(t, done, "raw")
	if !bytes.Equal([]byte(dst.String()), in) {
		t.Fatal("output differs from input")
	}
}

// TestFloodDoesNotStarveOthers keeps one source writing as fast as it can
// while another source and appstart's own messages must all get through.
func TestFloodDoesNotStarveOthers(t *testing.T) {
	t.Parallel()
	dst := &syncBuffer{}
	s := NewSink(dst, Options{})
	flood, floodDone, err := s.Pipe("flood", "flood | ")
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	go func() {
		line := []byte(strings.Repeat("f", 200) + "\n")
		for {
			select {
			case <-stop:
				flood.Close()
				return
			default:
				flood.Write(line)
			}
		}
	}()
	quiet, quietDone, err := s.Pipe("quiet", "quiet | ")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		fmt.Fprintf(quiet, "q%d\n", i)
		fmt.Fprintf(s, "appstart: m%d\n", i)
	}
	quiet.Close()
	waitDone(t, quietDone, "quiet") // would hang if the flood starved it
	close(stop)
	waitDone(t, floodDone, "flood")
	out := "\n" + dst.String()
	for i := 0; i < 100; i++ {
		for _, want := range []string{"\nquiet | q" + strconv.Itoa(i) + "\n", "\nappstart: m" + strconv.Itoa(i) + "\n"} {
			if !strings.Contains(out, want) {
				t.Fatalf("missing %q", want)
			}
		}
	}
	for _, l := range lines(out[1:]) {
		if l != "flood | "+strings.Repeat("f", 200) && !strings.HasPrefix(l, "quiet | q") && !strings.HasPrefix(l, "appstart: m") {
			t.Fatalf("torn line %.60q", l)
		}
	}
}

// TestDrainForcesHeldPipes: a grandchild still holding the pipe must not
// make appstart lose what was written, nor wait past the deadline.
func TestDrainForcesHeldPipes(t *testing.T) {
	t.Parallel()
	dst := &syncBuffer{}
	s := NewSink(dst, Options{})
	held, heldDone, err := s.Pipe("held", "held | ")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	closed, _, err := s.Pipe("closed", "closed | ")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(closed, "bye\n")
	closed.Close()
	// Written but possibly not yet read when the deadline hits.
	fmt.Fprint(held, "one\ntwo\npartial")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err = s.Drain(ctx)
	if err == nil || !strings.Contains(err.Error(), "cannot drain 1 log pipes") {
		t.Fatalf("Drain: %v, want one forced pipe", err)
	}
	waitDone(t, heldDone, "held")
	out := dst.String()
	for _, want := range []string{"closed | bye\n", "held | one\n", "held | two\n", "held | partial\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in %q", want, out)
		}
	}
	// A Drain with everything closed returns nil.
	if err := s.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestRecent(t *testing.T) {
	t.Parallel()
	s := NewSink(&syncBuffer{}, Options{RecentBytes: 64})
	w, done, err := s.Pipe("web", "web | ")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		fmt.Fprintf(w, "line %02d\n", i)
	}
	w.Close()
	waitDone(t, done, "web")
	got := s.Recent("web", 3)
	want := []Line{{Name: "web", Text: "line 17"}, {Name: "web", Text: "line 18"}, {Name: "web", Text: "line 19"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Recent(3) = %v, want %v", got, want)
	}
	// 64 bytes hold 8 lines of 8 bytes; the wrap cut none, or dropped the cut one.
	all := s.Recent("web", 100)
	if len(all) == 0 || len(all) > 8 || all[len(all)-1].Text != "line 19" {
		t.Fatalf("Recent(100) = %v", all)
	}
	for _, l := range all {
		if len(l.Text) != 7 {
			t.Fatalf("cut line %q in %v", l.Text, all)
		}
	}
	if s.Recent("nobody", 5) != nil {
		t.Fatal("Recent of an unknown name should be nil")
	}
}

func TestFormatPrefix(t *testing.T) {
	t.Parallel()
	if got := FormatPrefix(DefaultFormat, "web.2"); got != "web.2 | " {
		t.Fatalf("got %q", got)
	}
	if got := FormatPrefix("[{name}] ", "cron"); got != "[cron] " {
		t.Fatalf("got %q", got)
	}
}

// TestDrainStopsAFlood: a source that never stops writing must not keep
// Drain from returning once its deadline has passed.
func TestDrainStopsAFlood(t *testing.T) {
	t.Parallel()
	s := NewSink(&syncBuffer{}, Options{})
	w, done, err := s.Pipe("flood", "flood | ")
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		line := []byte(strings.Repeat("f", 100) + "\n")
		for {
			select {
			case <-stop:
				w.Close()
				return
			default:
				if _, err := w.Write(line); err != nil {
					w.Close() // EPIPE once the reader is gone
					<-stop
					return
				}
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := s.Drain(ctx); err == nil {
		t.Fatal("Drain returned nil while the flood held the pipe open")
	}
	waitDone(t, done, "flood")
}

// TestForcedStopKeepsBufferedLines: when Drain forces a reader, what the
// kernel already holds is still forwarded.
func TestForcedStopKeepsBufferedLines(t *testing.T) {
	t.Parallel()
	out := &syncBuffer{}
	s := NewSink(out, Options{})
	p, w, err := s.newPipe("held", "held | ")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close() // held open: the reader never sees EOF
	for i := 0; i < 100; i++ {
		fmt.Fprintf(w, "line %d\n", i)
	}
	p.forceStop()
	if r := p.step(); r != stepEnd {
		t.Fatalf("a forced pipe's step: %d, want the end", r)
	}
	p.sp.flush()
	if !p.forced.Load() {
		t.Error("the reader did not record a forced stop")
	}
	got := out.String()
	for i := 0; i < 100; i++ {
		if want := fmt.Sprintf("held | line %d\n", i); !strings.Contains(got, want) {
			t.Fatalf("lost %q; output:\n%s", want, got)
		}
	}
}

// TestDataWrittenWhileLingeringIsRead: a program wrote a line, the relay
// read it and lingered, and the program wrote its last line during the
// linger and then nothing more (as a flooding program blocked on a full
// pipe does). No write will announce it again; the relay must still read
// it: its epoll set is level-triggered. A one-shot arming done before the
// data came, and not after, parked forever (CI: a restarted `yes` stalled
// at 2 MiB).
func TestDataWrittenWhileLingeringIsRead(t *testing.T) {
	t.Parallel()
	dst := &syncBuffer{}
	s := NewSink(dst, Options{})
	w, done, err := s.Pipe("late", "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for i, line := range []string{"first\n", "last\n"} {
		if _, err := w.WriteString(line); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			// Until the relay has read the first line: it then lingers.
			for deadline := time.Now().Add(5 * time.Second); dst.String() == "" && time.Now().Before(deadline); {
				time.Sleep(50 * time.Microsecond)
			}
		}
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if dst.String() == "first\nlast\n" {
			w.Close()
			waitDone(t, done, "late")
			return
		}
	}
	t.Fatalf("got %q: the line written during the linger was never read", dst.String())
}

// The lines of one read go out in one write while they fit in maxHold: a
// write to a pipe costs its reader a wake-up whatever its size (at 32 KiB a
// 100 KiB read made 4 writes). Past maxHold they are cut at line ends, so
// no line is ever split between two writes.
func TestOneWritePerRead(t *testing.T) {
	t.Parallel()
	line := strings.Repeat("x", 99) + "\n"
	for _, tc := range []struct {
		lines, wantWrites int
	}{
		{1000, 1}, // 100 KB, prefixed 106 KB
		{3000, 3}, // 318 KB: cut at line ends below 128 KiB
	} {
		dst := &syncBuffer{}
		s := NewSink(dst, Options{})
		sp := s.newSplitter("web", "web | ")
		sp.buf = append(sp.buf[:0], strings.Repeat(line, tc.lines)...)
		sp.emit()
		if dst.writes != tc.wantWrites {
			t.Errorf("%d lines: %d writes, want %d", tc.lines, dst.writes, tc.wantWrites)
		}
		want := strings.Repeat("web | "+line, tc.lines)
		if got := dst.String(); got != want {
			t.Errorf("%d lines: output differs (%d bytes, want %d)", tc.lines, len(got), len(want))
		}
	}
}

// Whole lines, a line cut into MaxLine pieces and a last line without
// newline come out each with the prefix and a newline, in one formatting
// pass (the whole-line fast path and the piece path side by side).
func TestFormatMixesWholeCutAndOpenLines(t *testing.T) {
	t.Parallel()
	dst := &syncBuffer{}
	s := NewSink(dst, Options{MaxLine: 8})
	sp := s.newSplitter("web", "w| ")
	sp.write([]byte("ab\n0123456789abcdefXY\n\ncd\nlast"), true)
	want := "w| ab\nw| 01234567\nw| 89abcdef\nw| XY\nw| \nw| cd\nw| last\n"
	if got := dst.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestLingerIsNotWoken: a program writing line by line while the relay
// lingers wakes no one. Each burst's first write wakes the relay; the rest
// come while it lingers and are read after the linger, without a wait. A
// reader that waited again at once (as a goroutine in Go's edge-triggered
// netpoller did) was woken by nearly every write(2): 470,000 wake-ups where
// 2,000 remain (pipe.go).
func TestLingerIsNotWoken(t *testing.T) {
	t.Parallel()
	s := NewSink(&syncBuffer{}, Options{})
	w, done, err := s.Pipe("chatty", "chatty | ")
	if err != nil {
		t.Fatal(err)
	}
	// Bursts apart by more than the linger, each written faster than it.
	line := []byte("a line written on its own\n")
	const bursts, perBurst = 100, 200
	const writes = bursts * perBurst
	for b := 0; b < bursts; b++ {
		for i := 0; i < perBurst; i++ {
			if _, err := w.Write(line); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(3 * linger) // pacing, not a sync: any gap shows the same
	}
	w.Close()
	waitDone(t, done, "chatty")
	wakeups := s.wakeups.Load()
	if wakeups > writes/20 {
		t.Errorf("%d wake-ups for %d writes in %d bursts: writes woke the relay while it lingered", wakeups, writes, bursts)
	}
	if wakeups == 0 {
		t.Error("the relay never woke")
	}
	t.Logf("%d writes in %d bursts: %d wake-ups", writes, bursts, wakeups)
}
