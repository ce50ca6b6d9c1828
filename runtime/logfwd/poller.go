package logfwd

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// poller is the one epoll instance every log pipe waits on (pipe.go says
// why not Go's netpoller): a pipe is in it armed for one event only
// (EPOLLONESHOT), from a read that found it empty to the event, so a
// program writing while its reader lingers wakes no one. One goroutine
// blocks in epoll_wait for all of them: one OS thread, whatever the number
// of programs.
type poller struct {
	epfd    int
	mu      sync.Mutex
	waiters map[int32]chan struct{} // by fd: the reader's wake-up
	// arms and events count armings and the events they brought: one-shot,
	// never more events than armings (TestLingerIsNotWoken).
	arms, events atomic.Uint64
}

var (
	pollerOnce sync.Once
	pollerInst *poller
	pollerErr  error
)

// thePoller returns the process's poller, starting it on first use.
func thePoller() (*poller, error) {
	pollerOnce.Do(func() {
		fd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
		if err != nil {
			pollerErr = os.NewSyscallError("epoll_create1", err)
			return
		}
		pollerInst = &poller{epfd: fd, waiters: make(map[int32]chan struct{})}
		go pollerInst.loop()
	})
	return pollerInst, pollerErr
}

func (pl *poller) loop() {
	events := make([]unix.EpollEvent, 64)
	for {
		n, err := unix.EpollWait(pl.epfd, events, -1)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			// Cannot happen with a valid epfd and buffer; never spin on it.
			time.Sleep(linger)
			continue
		}
		pl.events.Add(uint64(n))
		pl.mu.Lock()
		for _, ev := range events[:n] {
			if ch, ok := pl.waiters[ev.Fd]; ok {
				select {
				case ch <- struct{}{}:
				default: // already signalled
				}
			}
		}
		pl.mu.Unlock()
	}
}

// pollWaiter is one pipe's place in the poller.
type pollWaiter struct {
	pl    *poller
	fd    int32
	added bool
	ready chan struct{} // one token per event; may be stale
}

func (pl *poller) waiter(fd int) pollWaiter {
	return pollWaiter{pl: pl, fd: int32(fd), ready: make(chan struct{}, 1)}
}

// arm asks for one event when the fd is readable (or hung up). epoll_ctl
// looks at the fd as it is now, so one already readable signals at once.
func (w *pollWaiter) arm() error {
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLONESHOT, Fd: w.fd}
	op := unix.EPOLL_CTL_MOD
	w.pl.mu.Lock()
	defer w.pl.mu.Unlock()
	if !w.added {
		op = unix.EPOLL_CTL_ADD
	}
	if err := unix.EpollCtl(w.pl.epfd, op, int(w.fd), &ev); err != nil {
		return fmt.Errorf("cannot wait for log pipe fd %d: %w", w.fd, os.NewSyscallError("epoll_ctl", err))
	}
	// Under mu, which loop takes to hand out events: none is lost.
	w.pl.waiters[w.fd] = w.ready
	w.pl.arms.Add(1)
	w.added = true
	return nil
}

// close takes the fd out of the poller; call it before closing the fd, so
// an event for a reused fd number reaches no one stale.
func (w *pollWaiter) close() {
	w.pl.mu.Lock()
	defer w.pl.mu.Unlock()
	if !w.added {
		return
	}
	delete(w.pl.waiters, w.fd)
	_ = unix.EpollCtl(w.pl.epfd, unix.EPOLL_CTL_DEL, int(w.fd), nil)
	w.added = false
}
