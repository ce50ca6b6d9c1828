package logfwd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// How a pipe is read. The read end is non-blocking and kept out of Go's
// netpoller: the reader reads it directly, and waits for data through the
// package's one epoll instance (poller.go), armed one-shot only once a read
// has found the pipe empty. An idle program costs a parked goroutine, not an
// OS thread: all pipes share the poller's one thread. An earlier design
// blocked a thread per pipe in poll(2); under a pids limit those threads
// made the Go runtime unable to start one more and crash appstart (fatal
// error: newosproc; TestFaultForkBomb), and a PID 1 must not die of its
// programs.
//
// A program writing one line per write(2) would cost a wake-up, a read and a
// write here per line. So after a read that emptied the pipe the reader
// lingers before reading again, like Nagle's algorithm: what was read is
// already written, so a lone line is not delayed; only a stream is batched.
// Go's timers sleep at least ~1 ms here, so the linger is 1 ms, and the pipe
// is enlarged to 1 MiB (fcntl(2) F_SETPIPE_SZ; the default
// /proc/sys/fs/pipe-max-size) so that a writer at up to ~1 GB/s fills less
// than the pipe meanwhile and never blocks on it. The kernel allocates pipe
// pages on write, so an idle program's large pipe costs nothing.
//
// A read that filled the buffer is followed by another at once: the pipe
// holds more. Any other read emptied the pipe, and the reader lingers after
// it if it took under a quarter of the pipe's capacity: with 1 MiB, every
// such read (the buffer holds less); with the 64 KiB of a pipe F_SETPIPE_SZ
// could not enlarge, reads under 16 KiB, so that a fast program does not
// block on the small pipe during every linger. An earlier rule lingered
// only after reads under 16 KiB whatever the pipe: two programs writing
// 4 KiB blocks were read ~190 KiB, ~190 KiB, then the ~30 KiB written
// meanwhile, then a few KiB more, each read a wake-up and a write of its
// own. Lingering after the 30 KiB took appstart's CPU for 50 MB from those
// two programs from ~30 to ~28 ms, and the prefixed throughput from 0.82
// to 0.86 times theirs written directly (`go run ./cmd/compare -only logs
// -log-modes 4k`, medians of 4 interleaved runs). A program faster than
// the pipe takes per linger (1 MiB/ms) now blocks on it until the reader
// is back: lingering only while the program brought less than half the
// pipe since the last linger kept the old cost, for these two programs
// often fill it (a linger lasts 1 ms or more under load).
//
// While the reader lingers nothing may wake anyone: registered in Go's
// netpoller (edge-triggered, always armed), every write(2) of the program
// woke the runtime's thread parked in epoll_wait, with the program paying
// for the wake-up in its write: for two programs writing 1M lines each,
// 440,000 to 480,000 epoll_wait calls and 40,000 context switches; disarmed
// while lingering, 2,600 to 2,900 and 28,000, and 21% less CPU for the
// programs and appstart together (perf stat; TestLingerIsNotWoken).
//
// Drain forces a reader still waiting by closing its force channel.
const (
	linger       = time.Millisecond
	pipeCapacity = 1 << 20
)

// pipeReader is the goroutine side of one Pipe.
type pipeReader struct {
	s     *Sink
	fd    int // read end: O_NONBLOCK, never in Go's netpoller
	pw    pollWaiter
	sp    *splitter
	done  chan struct{}
	force chan struct{} // closed by Drain past its deadline
	stop  sync.Once
	// forced records that the reader stopped on Drain's deadline, not EOF.
	forced   atomic.Bool
	pipeSize int // the pipe's capacity, for lingers
}

// Pipe returns the write end of a new pipe for a child's stdout or stderr
// (pass it in proc.Cmd, then close it in appstart) and a channel closed
// once everything written to it has been forwarded: at EOF, i.e. when the
// child AND anything it passed the pipe to have closed it, or when Drain
// forces it. name keys Recent; prefix starts every line ("" = unchanged).
//
//	w, done, err := sink.Pipe("web", "web | ")
//	pid, err := reaper.Spawn(proc.Cmd{Path: "node", Stdout: w, Stderr: w}, exits)
//	w.Close()
//	...
//	<-done // all of web's output is out
func (s *Sink) Pipe(name, prefix string) (*os.File, <-chan struct{}, error) {
	p, w, err := s.newPipe(name, prefix)
	if err != nil {
		return nil, nil, err
	}
	go p.run()
	return w, p.done, nil
}

// newPipe registers a reader for a new pipe, not yet running.
func (s *Sink) newPipe(name, prefix string) (*pipeReader, *os.File, error) {
	pl, err := thePoller()
	if err != nil {
		return nil, nil, fmt.Errorf("cannot create log pipe for %s: %w", name, err)
	}
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_CLOEXEC); err != nil {
		return nil, nil, fmt.Errorf("cannot create log pipe for %s: %w", name, os.NewSyscallError("pipe2", err))
	}
	r, w := fds[0], fds[1]
	// Only the read end is non-blocking (a status flag of its own open file
	// description): the child must get a blocking write end.
	if err := unix.SetNonblock(r, true); err != nil {
		unix.Close(r)
		unix.Close(w)
		return nil, nil, fmt.Errorf("cannot create log pipe for %s: %w", name, os.NewSyscallError("fcntl", err))
	}
	// Best effort: on failure (a lowered pipe-max-size, or pipe-user-pages-soft
	// exhausted without CAP_SYS_RESOURCE) the pipe keeps its 64 KiB (or the
	// one page of a user past the soft limit) and a flood just wakes the
	// reader more often.
	_, _ = unix.FcntlInt(uintptr(w), unix.F_SETPIPE_SZ, pipeCapacity)
	size, err := unix.FcntlInt(uintptr(w), unix.F_GETPIPE_SZ, 0)
	if err != nil {
		size = 64 << 10 // cannot happen for a pipe; pipe(7)'s default
	}
	p := &pipeReader{s: s, fd: r, pw: pl.waiter(r), sp: s.newSplitter(name, prefix),
		done: make(chan struct{}), force: make(chan struct{}), pipeSize: size}
	s.pipesMu.Lock()
	s.pipes[p] = struct{}{}
	if s.forcing.Load() {
		p.forceStop()
	}
	s.pipesMu.Unlock()
	return p, os.NewFile(uintptr(w), "log pipe of "+name), nil
}

// forceStop makes the reader read what the kernel holds and stop.
func (p *pipeReader) forceStop() { p.stop.Do(func() { close(p.force) }) }

func (p *pipeReader) forcedNow() bool {
	select {
	case <-p.force:
		return true
	default:
		return false
	}
}

func (p *pipeReader) run() {
	defer func() {
		p.sp.flush()
		p.pw.close() // out of the epoll set before the fd number can be reused
		unix.Close(p.fd)
		p.s.pipesMu.Lock()
		delete(p.s.pipes, p)
		p.s.pipesMu.Unlock()
		close(p.done)
	}()
	src := fdReader(p.fd)
	for {
		if p.forcedNow() { // a flood never reaches the wait below
			p.forced.Store(true)
			p.drainBuffered()
			return
		}
		n, err := p.sp.fill(src)
		switch {
		case n > 0:
			if p.lingers(n, p.sp.short) {
				time.Sleep(linger)
			}
		case errors.Is(err, syscall.EAGAIN):
			if p.wait() {
				p.forced.Store(true)
				p.drainBuffered()
				return
			}
		case err != nil:
			return // EOF, or a read error nothing can be done about
		}
	}
}

// lingers reports whether to linger after a read of n bytes; short: the
// read took less than the buffer offered, i.e. it emptied the pipe.
func (p *pipeReader) lingers(n int, short bool) bool {
	return short && n < p.pipeSize/4
}

// wait parks until the pipe is readable (data, or EOF when every writer
// has closed it) and reports whether Drain forced a stop instead. Arming
// looks at the pipe as it is now, so data that came after the caller's
// EAGAIN is seen (a writer that then filled the pipe and blocked announces
// nothing more: parking blind then was a deadlock, CI: a restarted `yes`
// stalled at 2 MiB; TestWaitSeesDataAnnouncedBeforeIt). A wake-up may be
// stale (from an earlier arming): the caller's read then finds EAGAIN and
// waits again.
func (p *pipeReader) wait() (forced bool) {
	if err := p.pw.arm(); err != nil {
		// Cannot happen for a pipe read end; never park blind on it.
		select {
		case <-p.force:
			return true
		case <-time.After(linger):
			return false
		}
	}
	select {
	case <-p.pw.ready:
		return false
	case <-p.force:
		return true
	}
}

// drainBuffered reads what the kernel still holds after a forced stop: up
// to the pipe's capacity, so a writer still flooding cannot keep it going.
func (p *pipeReader) drainBuffered() {
	src := fdReader(p.fd)
	for total := 0; total < pipeCapacity; {
		n, err := p.sp.fill(src)
		if n == 0 || err != nil {
			return
		}
		total += n
	}
}

// fdReader reads the non-blocking fd once per call: EAGAIN when empty,
// io.EOF at end, never waiting (waiting is wait's job, so the linger and the
// forced stop stay in one place).
type fdReader int

func (fd fdReader) Read(b []byte) (int, error) {
	for {
		n, err := unix.Read(int(fd), b)
		switch {
		case errors.Is(err, syscall.EINTR):
			continue
		case err != nil:
			return 0, err
		case n == 0 && len(b) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}
