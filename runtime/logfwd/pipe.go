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

// How a pipe is read. The read end is non-blocking and kept out of Go's
// netpoller: the Sink's relay (relay.go) reads it directly, in a loop of
// its own over all the Sink's pipes.
//
// A program writing one line per write(2) would cost a wake-up, a read and a
// write here per line. So after a pass whose reads emptied their pipes the
// relay lingers before waiting again, like Nagle's algorithm: what was read
// is already written, so a lone line is not delayed; only a stream is
// batched. The linger is 1 ms, and the pipe is enlarged to 1 MiB (fcntl(2)
// F_SETPIPE_SZ; the default /proc/sys/fs/pipe-max-size) so that a writer at
// up to ~1 GB/s fills less than the pipe meanwhile and never blocks on it.
// The kernel allocates pipe pages on write, so an idle program's large pipe
// costs nothing.
//
// A read that filled the buffer means the pipe holds more: the relay does
// not linger after a pass with such a read. Any other read emptied its
// pipe, and it asks for the linger if it took under a quarter of the pipe's
// capacity: with 1 MiB, every such read (the buffer holds less); with the
// 64 KiB of a pipe F_SETPIPE_SZ could not enlarge, reads under 16 KiB, so
// that a fast program does not block on the small pipe during every
// linger. An earlier rule lingered only after reads under 16 KiB whatever
// the pipe: two programs writing 4 KiB blocks were read ~190 KiB, ~190 KiB,
// then the ~30 KiB written meanwhile, then a few KiB more, each read a
// wake-up and a write of its own (TestLingersOnceThePipeIsEmpty).
//
// While the relay lingers nothing may wake anyone: registered in Go's
// netpoller (edge-triggered, always armed), every write(2) of the program
// woke the runtime's thread parked in epoll_wait, with the program paying
// for the wake-up in its write: for two programs writing 1M lines each,
// 440,000 to 480,000 epoll_wait calls and 40,000 context switches. The
// relay sleeps in nanosleep(2) instead, outside epoll_wait
// (TestLingerIsNotWoken).
const (
	linger       = time.Millisecond
	pipeCapacity = 1 << 20
)

// pipeReader is one pipe of a Sink, read by its relay.
type pipeReader struct {
	fd   int // read end: O_NONBLOCK, never in Go's netpoller
	sp   *splitter
	done chan struct{}
	// stopAsked is set by Drain past its deadline; forced records that the
	// pipe then ended on it, not on EOF.
	stopAsked, forced atomic.Bool
	pipeSize          int // the pipe's capacity, for lingers
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
	if err := s.relayPipe(p); err != nil {
		w.Close()
		unix.Close(p.fd)
		return nil, nil, fmt.Errorf("cannot make log pipe for %s: %w", name, err)
	}
	return w, p.done, nil
}

// relayPipe hands p to the Sink's relay, starting one if none runs.
func (s *Sink) relayPipe(p *pipeReader) error {
	s.pipesMu.Lock()
	defer s.pipesMu.Unlock()
	start := s.relay == nil
	if start {
		rl, err := newRelay(s)
		if err != nil {
			return err
		}
		s.relay = rl
	}
	if err := s.relay.add(p); err != nil {
		if start {
			s.relay.close()
			s.relay = nil
		}
		return err
	}
	s.pipes[p] = struct{}{}
	if s.forcing.Load() {
		p.forceStop()
		s.relay.poke()
	}
	if start {
		go s.relay.loop()
	}
	return nil
}

// newPipe makes a pipe and its reader, not yet relayed.
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
	// exhausted without CAP_SYS_RESOURCE) the pipe keeps its 64 KiB (or the
	// one page of a user past the soft limit) and a flood just wakes the
	// reader more often.
	_, _ = unix.FcntlInt(uintptr(w), unix.F_SETPIPE_SZ, pipeCapacity)
	size, err := unix.FcntlInt(uintptr(w), unix.F_GETPIPE_SZ, 0)
	if err != nil {
		size = 64 << 10 // cannot happen for a pipe; pipe(7)'s default
	}
	p := &pipeReader{fd: r, sp: s.newSplitter(name, prefix),
		done: make(chan struct{}), pipeSize: size}
	return p, os.NewFile(uintptr(w), "log pipe of "+name), nil
}

// forceStop makes the relay read what the kernel holds for p and end it.
func (p *pipeReader) forceStop() { p.stopAsked.Store(true) }

func (p *pipeReader) forcedNow() bool { return p.stopAsked.Load() }

// endForced records a forced stop and reads what the kernel still holds.
func (p *pipeReader) endForced() {
	p.forced.Store(true)
	p.drainBuffered()
}

// What one read of a pipe asks of the relay.
type stepResult int

const (
	stepIdle   stepResult = iota // nothing to read now
	stepMore                     // the read filled the buffer: read again without lingering
	stepLinger                   // the read emptied the pipe: linger before the next wait
	stepEnd                      // EOF, a read error, or a forced stop: finish the pipe
)

// step reads the pipe once and writes its whole lines.
func (p *pipeReader) step() stepResult {
	if p.forcedNow() { // at its next read, whichever pass that is
		p.endForced()
		return stepEnd
	}
	n, err := p.sp.fill(fdReader(p.fd))
	switch {
	case n > 0 && p.lingers(n, p.sp.short):
		return stepLinger
	case n > 0 && !p.sp.short:
		return stepMore
	case n > 0, errors.Is(err, syscall.EAGAIN):
		return stepIdle
	default:
		return stepEnd // EOF, or a read error nothing can be done about
	}
}

// lingers reports whether to linger after a read of n bytes; short: the
// read took less than the buffer offered, i.e. it emptied the pipe.
func (p *pipeReader) lingers(n int, short bool) bool {
	return short && n < p.pipeSize/4
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
// io.EOF at end, never waiting (waiting and lingering are the relay's).
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
