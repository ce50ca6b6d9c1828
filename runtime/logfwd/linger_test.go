package logfwd

import (
	"strings"
	"testing"

	"appstart/runtime/harness/skip"
	"golang.org/x/sys/unix"
)

// TestLingersOnceThePipeIsEmpty: in a 1 MiB pipe the reader lingers after
// any read that emptied the pipe, not only after reads under 16 KiB (two
// programs writing 4 KiB blocks were then read in 3 or 4 pieces between
// lingers, each a wake-up and a write: pipe.go), and never after a read
// that filled its buffer. In a pipe that stayed at 64 KiB it lingers only
// after reads under 16 KiB, so a fast program is not held on it.
func TestLingersOnceThePipeIsEmpty(t *testing.T) {
	t.Parallel()
	s := NewSink(&syncBuffer{}, Options{})
	p, w, err := s.newPipe("stream", "stream | ")
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p.fd)
	defer w.Close()
	size, err := unix.FcntlInt(w.Fd(), unix.F_GETPIPE_SZ, 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.pipeSize != size {
		t.Fatalf("pipeSize %d, the pipe holds %d", p.pipeSize, size)
	}
	if size < pipeCapacity {
		skip.OrFail(t, "the pipe could not be enlarged (%d bytes): pipe-max-size or pipe-user-pages-soft", size)
	}
	line := strings.Repeat("x", 99) + "\n"
	p.sp.buf = make([]byte, 0, 64<<10)
	read := func(what string, bytes int) (n int, lingers bool) {
		t.Helper()
		if _, err := w.WriteString(strings.Repeat(line, bytes/len(line))); err != nil {
			t.Fatal(err)
		}
		n, err := p.sp.fill(fdReader(p.fd))
		if err != nil || n == 0 {
			t.Fatalf("%s: read %d, %v", what, n, err)
		}
		return n, p.lingers(n, p.sp.short)
	}
	if n, lingers := read("30 KiB", 30<<10); !lingers {
		t.Errorf("no linger after a read of %d bytes that emptied a %d-byte pipe", n, size)
	}
	if n, lingers := read("80 KiB", 80<<10); lingers {
		t.Errorf("lingered after a read of %d bytes that filled the buffer", n)
	}
	p.pipeSize = 64 << 10 // as a pipe F_SETPIPE_SZ left alone
	for _, tc := range []struct {
		n    int
		want bool
	}{{30 << 10, false}, {8 << 10, true}} {
		if got := p.lingers(tc.n, true); got != tc.want {
			t.Errorf("64 KiB pipe, read of %d bytes that emptied it: lingers %v, want %v", tc.n, got, tc.want)
		}
	}
}
