package logfwd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// How a pipe is read. The read end is non-blocking and registered with Go's
// netpoller (os.NewFile of a non-blocking fd), and the reader waits through
// RawConn.Read: an idle program costs a parked goroutine, not an OS thread.
// An earlier design blocked a thread per pipe in poll(2) to spare the
// netpoller a wake-up per write(2); under a pids limit those threads made
// the Go runtime unable to start one more and crash appstart (fatal error:
// newosproc; TestFaultForkBomb), and a PID 1 must not die of its programs.
//
// A program writing one line per write(2) would cost a wake-up, a read and a
// write here per line. So after a small read the reader lingers before
// reading again, like Nagle's algorithm: what was read is already written,
// so a lone line is not delayed; only a stream of small writes is batched.
// Go's timers sleep at least ~1 ms here, so the linger is 1 ms, and the pipe
// is enlarged to 1 MiB (fcntl(2) F_SETPIPE_SZ; the default
// /proc/sys/fs/pipe-max-size) so that a writer at up to ~1 GB/s fills less
// than the pipe meanwhile and never blocks on it. The kernel allocates pipe
// pages on write, so an idle program's large pipe costs nothing.
//
// Drain forces a reader still waiting by a read deadline in the past.
const (
	linger       = time.Millisecond
	lingerBelow  = 16 << 10
	pipeCapacity = 1 << 20
)

// pipeReader is the goroutine side of one Pipe.
type pipeReader struct {
	s    *Sink
	f    *os.File // read end: O_NONBLOCK, in the netpoller
	rc   syscall.RawConn
	sp   *splitter
	done chan struct{}
	// forced records that the reader stopped on Drain's deadline, not EOF.
	forced atomic.Bool
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
	// exhausted without CAP_SYS_RESOURCE) the pipe keeps its 64 KiB and a
	// flood just wakes the reader more often.
	_, _ = unix.FcntlInt(uintptr(w), unix.F_SETPIPE_SZ, pipeCapacity)
	rf := os.NewFile(uintptr(r), "log pipe of "+name) // non-blocking: polled
	rc, err := rf.SyscallConn()
	if err != nil {
		rf.Close()
		unix.Close(w)
		return nil, nil, fmt.Errorf("cannot create log pipe for %s: %w", name, err)
	}
	p := &pipeReader{s: s, f: rf, rc: rc, sp: s.newSplitter(name, prefix), done: make(chan struct{})}
	s.pipesMu.Lock()
	s.pipes[p] = struct{}{}
	if s.forcing.Load() {
		_ = rf.SetReadDeadline(time.Now())
	}
	s.pipesMu.Unlock()
	return p, os.NewFile(uintptr(w), "log pipe of "+name), nil
}

func (p *pipeReader) run() {
	defer func() {
		p.sp.flush()
		p.f.Close()
		p.s.pipesMu.Lock()
		delete(p.s.pipes, p)
		p.s.pipesMu.Unlock()
		close(p.done)
	}()
	src := rawConnReader{rc: p.rc}
	for {
		if p.s.forcing.Load() { // a flood never reaches the poll below
			p.forced.Store(true)
			p.drainBuffered()
			return
		}
		n, err := p.sp.fill(src)
		switch {
		case n > 0:
			if n < lingerBelow {
				time.Sleep(linger)
			}
		case errors.Is(err, syscall.EAGAIN):
			if p.wait() {
				p.forced.Store(true)
				p.drainBuffered()
				return
			}
		case errors.Is(err, os.ErrDeadlineExceeded):
			// Drain's deadline landed between the check above and this
			// read (a flood: CI saw it): still a forced stop.
			p.forced.Store(true)
			p.drainBuffered()
			return
		case err != nil:
			return // EOF, or a read error nothing can be done about
		}
	}
}

// wait parks until the pipe is readable (data, or EOF when every writer
// has closed it) and reports whether Drain forced a stop instead.
//
// RawConn.Read first clears any readiness the poller has recorded, so the
// first callback must look for itself: data that arrived after the caller's
// EAGAIN may already have been announced, and a writer that then filled the
// pipe announces nothing more. Parking then was a deadlock (CI: a restarted
// `yes` stalled at 2 MiB; TestWaitSeesDataAnnouncedBeforeIt).
func (p *pipeReader) wait() (forced bool) {
	first := true
	err := p.rc.Read(func(fd uintptr) bool {
		if first {
			first = false
			return readable(int(fd))
		}
		return true
	})
	return errors.Is(err, os.ErrDeadlineExceeded)
}

// readable polls fd without waiting: data, or EOF (POLLHUP), is ready.
func readable(fd int) bool {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, 0)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		// On an error, say readable: the read that follows reports it.
		return err != nil || n > 0
	}
}

// drainBuffered reads what the kernel still holds after a forced stop: up
// to the pipe's capacity, so a writer still flooding cannot keep it going.
// It reads through Control, which ignores the deadline Drain set: a read
// through RawConn.Read would fail at once and drop those lines.
func (p *pipeReader) drainBuffered() {
	src := rawConnReader{p.rc, true}
	for total := 0; total < pipeCapacity; {
		n, err := p.sp.fill(src)
		if n == 0 || err != nil {
			return
		}
		total += n
	}
}

// rawConnReader reads the non-blocking fd once per call: EAGAIN when empty,
// io.EOF at end, never waiting (waiting is wait's job, so the linger and the
// forced stop stay in one place). pastDeadline reads through Control, for
// the drain after a forced stop.
type rawConnReader struct {
	rc           syscall.RawConn
	pastDeadline bool
}

func (r rawConnReader) Read(b []byte) (int, error) {
	var n int
	var rerr error
	read := func(fd uintptr) {
		for {
			n, rerr = unix.Read(int(fd), b)
			if !errors.Is(rerr, syscall.EINTR) {
				return
			}
		}
	}
	var err error
	if r.pastDeadline {
		err = r.rc.Control(read)
	} else {
		err = r.rc.Read(func(fd uintptr) bool { read(fd); return true })
	}
	switch {
	case err != nil:
		return 0, err
	case rerr != nil:
		return 0, rerr
	case n == 0 && len(b) > 0:
		return 0, io.EOF
	}
	return n, nil
}
