package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// A capture is the reader of PID 1's stdout during a log run, built so that
// it is never what limits the throughput measured:
//
//   - PID 1's stdout is a FIFO on the host, bind-mounted into the container
//     (captureTarget) and opened by a `sh -c 'exec "$@" >FIFO'` wrapper that
//     then execs the init, so the harness's own capture (os/exec's copy
//     goroutine: 32 KiB reads into a growing bytes.Buffer, a channel made
//     per read) is out of the path;
//   - one locked OS thread reads it with blocking read(2)s of up to 1 MiB
//     straight into a buffer allocated and pre-faulted for the whole run, so
//     no read waits for the netpoller, a copy, a page fault or a growth;
//   - the FIFO holds 1 MiB (F_SETPIPE_SZ), so a reader descheduled for a
//     moment on a loaded 2-core machine stalls no writer.
//
// Per read it only stamps the time and counts the END markers in the new
// bytes; the lines are checked once the run is over.
type capture struct {
	dir  string
	path string // host path of the FIFO
	fd   int    // read end, blocking
	keep int    // a write end held until PID 1 has ended: no EOF before the container opens the FIFO

	want  int // END markers to see
	done  chan struct{}
	ended chan struct{} // the reader has stopped (EOF or error)

	// Owned by the reader goroutine until ended is closed.
	buf   []byte
	seen  int
	reads int
	first time.Time // the first read holding payload
	last  time.Time // the read that brought the last END marker
	err   error
}

// captureTarget is where the FIFO is mounted in the container.
const captureTarget = "/app/stdout.fifo"

const (
	captureRead = 1 << 20 // most bytes per read(2)
	capturePipe = 1 << 20 // the FIFO's capacity
)

// newCapture makes the FIFO and starts its reader, expecting about
// expectBytes (the buffer grows if more come) and writers END markers.
func newCapture(expectBytes, writers int) (*capture, error) {
	dir, err := os.MkdirTemp("", "compare-logs-")
	if err != nil {
		return nil, fmt.Errorf("cannot make the capture directory: %w", err)
	}
	c := &capture{dir: dir, path: filepath.Join(dir, "stdout"), fd: -1, keep: -1, want: writers,
		done: make(chan struct{}), ended: make(chan struct{})}
	if err := c.open(); err != nil {
		c.closeFDs()
		os.RemoveAll(dir)
		return nil, err
	}
	c.buf = prefault(make([]byte, 0, expectBytes+captureRead))
	go c.read()
	return c, nil
}

func (c *capture) open() error {
	if err := unix.Mkfifo(c.path, 0o666); err != nil {
		return fmt.Errorf("cannot make the capture FIFO %s: %w", c.path, err)
	}
	var err error
	// Non-blocking so the open does not wait for a writer; blocking again
	// right after, so each read sleeps in the kernel until data comes.
	if c.fd, err = unix.Open(c.path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0); err != nil {
		return fmt.Errorf("cannot open the capture FIFO %s: %w", c.path, err)
	}
	if c.keep, err = unix.Open(c.path, unix.O_WRONLY|unix.O_CLOEXEC, 0); err != nil {
		return fmt.Errorf("cannot open the capture FIFO %s for writing: %w", c.path, err)
	}
	if err := unix.SetNonblock(c.fd, false); err != nil {
		return fmt.Errorf("cannot make the capture FIFO blocking: %w", err)
	}
	if _, err := unix.FcntlInt(uintptr(c.fd), unix.F_SETPIPE_SZ, capturePipe); err != nil {
		return fmt.Errorf("cannot enlarge the capture FIFO to %d bytes: %w", capturePipe, err)
	}
	return nil
}

// prefault touches every page of b's capacity, so the reads never fault.
func prefault(b []byte) []byte {
	full := b[:cap(b)]
	for i := 0; i < len(full); i += 4096 {
		full[i] = 1
	}
	return b
}

func (c *capture) read() {
	runtime.LockOSThread() // a thread of its own, sleeping in read(2)
	defer close(c.ended)
	for {
		if cap(c.buf)-len(c.buf) < captureRead {
			c.buf = append(c.buf[:cap(c.buf)], make([]byte, captureRead)...)[:len(c.buf)]
		}
		start := len(c.buf)
		n, err := unix.Read(c.fd, c.buf[start:start+captureRead])
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			c.err = fmt.Errorf("cannot read the capture FIFO: %w", err)
			return
		}
		if n == 0 {
			return // EOF: every writer, our keep included, has closed it
		}
		now := time.Now()
		c.reads++
		c.buf = c.buf[:start+n]
		if c.first.IsZero() && bytes.Contains(c.buf[max(0, start-len(padPattern)+1):], padPattern) {
			c.first = now
		}
		// A marker ending in the new bytes starts at most len-1 bytes before
		// them; one ending earlier was counted by an earlier read.
		if c.seen < c.want {
			c.seen += countEnds(c.buf[max(0, start-len(endMarker)+1):])
			if c.seen >= c.want {
				c.last = now
				close(c.done)
			}
		}
	}
}

// countEnds is bytes.Count(b, endMarker) at the cost of an IndexByte scan.
// bytes.Count took 20–24 ms of CPU per run's 52 MB (the marker's first
// byte, a space, is in every line), which on 2 cores the reader took from
// the writers and the init, more so with an init that needs the CPU too: a
// relay in C measured 0.94× direct behind a reader doing that scan, 1.23×
// behind one in C. The marker's 'E' is in no payload line, so its
// candidates are few: 1.8 ms.
func countEnds(b []byte) int {
	n := 0
	for {
		i := bytes.IndexByte(b, endMarker[1])
		if i < 0 {
			return n
		}
		if i >= 1 && bytes.HasPrefix(b[i-1:], endMarker) {
			n++
		}
		b = b[i+1:]
	}
}

// finish waits for EOF once PID 1 has ended (its namespace, and with it
// every writer, is gone) and returns everything read.
func (c *capture) finish(timeout time.Duration) ([]byte, error) {
	if c.keep >= 0 {
		unix.Close(c.keep)
		c.keep = -1
	}
	select {
	case <-c.ended:
	case <-time.After(timeout):
		return nil, fmt.Errorf("cannot see the end of the capture FIFO within %v: a writer still holds it", timeout)
	}
	return c.buf, c.err
}

// span is the time from the first payload to the last END marker; valid
// once finish has returned.
func (c *capture) span() (time.Duration, bool) {
	if c.seen < c.want || c.first.IsZero() {
		return 0, false
	}
	return c.last.Sub(c.first), true
}

// Close removes the FIFO. The reader thread is left to end at EOF (after
// finish, it has).
func (c *capture) Close() {
	select {
	case <-c.ended:
		c.closeFDs()
	default:
		// Still reading: closing the fd under a blocked read(2) would not
		// wake it, and the fd number could be reused under it. Leave it.
		if c.keep >= 0 {
			unix.Close(c.keep)
			c.keep = -1
		}
	}
	os.RemoveAll(c.dir)
}

func (c *capture) closeFDs() {
	for _, fd := range []*int{&c.fd, &c.keep} {
		if *fd >= 0 {
			unix.Close(*fd)
			*fd = -1
		}
	}
}

// captureArgv runs argv with its stdout on the capture FIFO.
func captureArgv(argv []string) []string {
	return append([]string{"/bin/sh", "-c", `exec "$@" >` + captureTarget, "sh"}, argv...)
}
