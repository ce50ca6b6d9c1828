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

// How a pipe is read, and why not through os.File and Go's netpoller:
//
// A program writing one line per write(2) would cost a wake-up, a read and a
// write here per line, competing for the CPU with the program itself. So
// after a small read the reader lingers before reading again, like Nagle's
// algorithm: what was read is already written, so a lone line is not
// delayed; only a stream of small writes is batched. But a read end
// registered with the netpoller's epoll makes EVERY write(2) into the pipe
// wake the thread parked in epoll_wait (ep_poll_callback), lingering or not,
// which measured slower than no batching. So the read end is a raw
// non-blocking fd the netpoller never sees: the reader waits in poll(2) on
// it (a thread blocked in a system call, one per pipe while idle) and on the
// Sink's eventfd, which Drain makes readable to force every reader to stop.
//
// Go's timers sleep at least ~1 ms here (a 200 µs Sleep measured 1.09 ms
// under load), so the linger is 1 ms, and the pipe is enlarged to 1 MiB
// (fcntl(2) F_SETPIPE_SZ; the default /proc/sys/fs/pipe-max-size) so that a
// writer at up to ~1 GB/s fills less than the pipe meanwhile and never
// blocks on it. The kernel allocates pipe pages on write, so an idle
// program's large pipe costs nothing.
const (
	linger       = time.Millisecond
	lingerBelow  = 16 << 10
	pipeCapacity = 1 << 20
)

// pipeReader is the goroutine side of one Pipe.
type pipeReader struct {
	s    *Sink
	fd   int // read end: O_NONBLOCK, outside the netpoller
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
	wake, err := s.wakeFD()
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
	// exhausted without CAP_SYS_RESOURCE) the pipe keeps its 64 KiB and a
	// flood just wakes the reader more often.
	_, _ = unix.FcntlInt(uintptr(w), unix.F_SETPIPE_SZ, pipeCapacity)
	p := &pipeReader{s: s, fd: r, sp: s.newSplitter(name, prefix), done: make(chan struct{})}
	s.pipesMu.Lock()
	s.pipes[p] = struct{}{}
	s.pipesMu.Unlock()
	go p.run(wake)
	return os.NewFile(uintptr(w), "log pipe of "+name), p.done, nil
}

func (p *pipeReader) run(wake int) {
	defer func() {
		p.sp.flush()
		unix.Close(p.fd)
		p.s.pipesMu.Lock()
		delete(p.s.pipes, p)
		p.s.pipesMu.Unlock()
		close(p.done)
	}()
	src := rawFD(p.fd)
	for {
		if p.s.forcing.Load() { // a flood never reaches the poll below
			p.forced.Store(true)
			p.drainBuffered(src)
			return
		}
		n, err := p.sp.fill(src)
		switch {
		case n > 0:
			if n < lingerBelow {
				time.Sleep(linger)
			}
		case errors.Is(err, syscall.EAGAIN):
			if p.wait(wake) {
				p.forced.Store(true)
				p.drainBuffered(src)
				return
			}
		case err != nil:
			return // EOF, or a read error nothing can be done about
		}
	}
}

// wait blocks until the pipe is readable (data, or EOF when every writer
// has closed it) and reports whether Drain forced a stop instead.
func (p *pipeReader) wait(wake int) (forced bool) {
	fds := []unix.PollFd{{Fd: int32(p.fd), Events: unix.POLLIN}, {Fd: int32(wake), Events: unix.POLLIN}}
	for {
		_, err := unix.Poll(fds, -1)
		if err == nil || !errors.Is(err, syscall.EINTR) {
			return fds[1].Revents&unix.POLLIN != 0
		}
	}
}

// drainBuffered reads what the kernel still holds after a forced stop: up
// to the pipe's capacity, so a writer still flooding cannot keep it going.
func (p *pipeReader) drainBuffered(src rawFD) {
	for total := 0; total < pipeCapacity; {
		n, err := p.sp.fill(src)
		if n == 0 || err != nil {
			return
		}
		total += n
	}
}

// rawFD reads a non-blocking fd: EAGAIN when empty, io.EOF at end.
type rawFD int

func (f rawFD) Read(b []byte) (int, error) {
	for {
		n, err := unix.Read(int(f), b)
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
