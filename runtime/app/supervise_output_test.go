package app_test

import (
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/harness"
	"golang.org/x/sys/unix"
)

// appstart's stdout and stderr are a FIFO whose only reader never reads
// (a container log nobody drains); one program floods it.
const blockedOutSpec = `[programs.flood]
command = "exec yes flooding-the-log"
stopwaitsecs = 2
[programs.idle]
command = ["tail", "-f", "/dev/null"]
stopwaitsecs = 2
`

// With its output a full pipe nobody reads, appstart as PID 1 still stops
// everything on SIGTERM and exits: the supervisor's loop queues its log
// lines instead of writing them itself (issue 13). On the old binary the
// loop hung in writing "stopping all programs (SIGTERM)" and PID 1 never
// exited.
func TestSIGTERMStopsWithOutputBlocked(t *testing.T) {
	c := container(t, blockedOutSpec, func(o *harness.Options) {
		o.Argv = []string{"/bin/sh", "-c",
			"mkfifo /tmp/out && { sleep 100000 </tmp/out & } ; exec /app/bin/appstart >/tmp/out 2>&1"}
	})
	fifo := c.HostPath("/tmp/out")
	// Full is when a flood adds nothing more: the kernel counts a pipe's
	// room in pages, and writes that ended mid-page leave partly filled
	// ones behind (CI: full at 61,267 of 65,536 bytes, where this test
	// waited for 61,440).
	last := -1
	waitFor(t, "appstart's output pipe full", 30*time.Second, func() (bool, string) {
		time.Sleep(200 * time.Millisecond) // the flood's time to add more
		queued, size, err := pipeFill(fifo)
		full := err == nil && size > 0 && queued > size/2 && queued == last
		last = queued
		return full, fmt.Sprintf("%d of %d bytes, %v", queued, size, err)
	})
	c.Signal(syscall.SIGTERM)
	// A deadline, not a measure: stopwaitsecs (2s) plus appstart's own
	// bounded waits (the log flush, the leftovers' grace) and a margin.
	r := c.Wait(2*time.Second + 18*time.Second)
	if r.ExitCode != 0 {
		t.Fatalf("exit %d after SIGTERM, want 0", r.ExitCode)
	}
}

// pipeFill reports how many bytes wait in the FIFO at path and its size,
// without reading any: the open makes the test a reader that never reads.
func pipeFill(path string) (queued, size int, err error) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	fd := int(f.Fd())
	if queued, err = unix.IoctlGetInt(fd, unix.TIOCINQ); err != nil { // TIOCINQ is FIONREAD
		return 0, 0, err
	}
	size, err = unix.FcntlInt(uintptr(fd), unix.F_GETPIPE_SZ, 0)
	return queued, size, err
}
