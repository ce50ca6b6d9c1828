package logfwd

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// relay is the one goroutine that reads every pipe of a Sink, as a C relay
// would: an epoll instance of its own holding the pipes (level-triggered,
// so data that came while nobody waited is never missed), a pass that
// reads each ready pipe once and writes its whole lines, then, when no
// read of the pass filled its buffer, a linger in nanosleep(2) before the
// next wait (pipe.go says why). Nothing in the pass parks in Go's
// scheduler. A goroutine per pipe sleeping in time.Sleep, woken through a
// channel by a poller goroutine, cost 65–73 ms of CPU where this loop costs
// 52–60 (two programs writing 50 MB in 4 KiB writes, medians of 16 runs
// interleaved, in a throw-away rig shaped as cmd/compare's log row, whose
// PID 1 CPU column shows the same drop: 60–89 ms at 6378001, 45–56 since):
// per linger a timer, a parked goroutine, an idle P, and sysmon woken from
// its deep sleep to poll every 20 µs again.
//
// The loop runs while its Sink has pipes: the first Pipe starts it, and it
// ends with the last pipe's EOF, so an idle Sink holds no OS thread (the
// thread blocks in epoll_wait while pipes exist, one per Sink whatever the
// number of programs: a thread per pipe made the Go runtime unable to
// start one more under a pids limit, TestFaultForkBomb).
//
// While the relay lingers, a program's writes wake no one; Drain wakes the
// loop through an eventfd to force its pipes.
type relay struct {
	s    *Sink
	epfd int
	wake int // eventfd in the epoll set: a forced stop to look at
	// byFd is the loop's view of the pipes; newPipe adds under s.pipesMu,
	// which the loop takes to look one up.
	byFd map[int32]*pipeReader
}

// newRelay makes the epoll set and eventfd of a relay; s.pipesMu is held.
func newRelay(s *Sink) (*relay, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("epoll_create1", err)
	}
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(epfd)
		return nil, os.NewSyscallError("eventfd", err)
	}
	rl := &relay{s: s, epfd: epfd, wake: wake, byFd: make(map[int32]*pipeReader)}
	if err := rl.watch(wake); err != nil {
		rl.close()
		return nil, err
	}
	return rl, nil
}

func (rl *relay) close() {
	unix.Close(rl.wake)
	unix.Close(rl.epfd)
}

func (rl *relay) watch(fd int) error {
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}
	if err := unix.EpollCtl(rl.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		return fmt.Errorf("cannot watch log pipe fd %d: %w", fd, os.NewSyscallError("epoll_ctl", err))
	}
	return nil
}

// add puts p in the relay's set; s.pipesMu is held.
func (rl *relay) add(p *pipeReader) error {
	if err := rl.watch(p.fd); err != nil {
		return err
	}
	rl.byFd[int32(p.fd)] = p
	return nil
}

// poke wakes the loop out of epoll_wait (a forced stop to look at).
func (rl *relay) poke() {
	one := [8]byte{1}
	_, _ = unix.Write(rl.wake, one[:])
}

func (rl *relay) loop() {
	events := make([]unix.EpollEvent, 32)
	for {
		n, err := unix.EpollWait(rl.epfd, events, -1)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			// Cannot happen with a valid epfd and buffer; never spin on it.
			rl.sleep()
			continue
		}
		rl.s.wakeups.Add(1)
		full, lingers := false, false
		for _, ev := range events[:n] {
			if ev.Fd == int32(rl.wake) {
				var b [8]byte
				_, _ = unix.Read(rl.wake, b[:])
				continue
			}
			p := rl.lookup(ev.Fd)
			if p == nil {
				continue // finished earlier in this pass
			}
			switch p.step() {
			case stepMore:
				full = true
			case stepLinger:
				lingers = true
			case stepEnd:
				rl.finish(p)
			}
		}
		if rl.s.forcing.Load() {
			rl.stopForced()
		}
		if rl.endIfIdle() {
			return
		}
		if lingers && !full {
			rl.sleep()
		}
	}
}

func (rl *relay) lookup(fd int32) *pipeReader {
	rl.s.pipesMu.Lock()
	defer rl.s.pipesMu.Unlock()
	return rl.byFd[fd]
}

// stopForced ends every pipe Drain forced: what the kernel holds is read
// and written first.
func (rl *relay) stopForced() {
	rl.s.pipesMu.Lock()
	var forced []*pipeReader
	for _, p := range rl.byFd {
		if p.forcedNow() {
			forced = append(forced, p)
		}
	}
	rl.s.pipesMu.Unlock()
	for _, p := range forced {
		p.endForced()
		rl.finish(p)
	}
}

// finish ends p: its partial line is flushed, it leaves the epoll set
// before its fd number can be reused, and its done channel is closed.
func (rl *relay) finish(p *pipeReader) {
	p.sp.flush()
	_ = unix.EpollCtl(rl.epfd, unix.EPOLL_CTL_DEL, p.fd, nil)
	rl.s.pipesMu.Lock()
	delete(rl.byFd, int32(p.fd))
	delete(rl.s.pipes, p)
	rl.s.pipesMu.Unlock()
	unix.Close(p.fd)
	close(p.done)
}

// endIfIdle ends the relay when it has no pipe left; a later Pipe starts
// a new one.
func (rl *relay) endIfIdle() bool {
	rl.s.pipesMu.Lock()
	defer rl.s.pipesMu.Unlock()
	if len(rl.byFd) > 0 {
		return false
	}
	rl.s.relay = nil
	rl.close()
	return true
}

// sleep lingers in the kernel, not in Go's scheduler, and without telling
// the scheduler: a nanosleep(2) made through syscall.Syscall leaves its P
// "in a syscall" for the whole linger, which sysmon watches every 20 µs
// and may hand off to another thread that wakes only to find nothing to
// do; made raw, a 1 ms sleep costs the sleep alone (reading 50 MB of two
// programs' 4 KiB writes with a linger after each emptying read: 19–25 ms
// of CPU raw, 26–37 ms through Syscall, 15–25 ms for the same loop in C).
// The P stays busy meanwhile, so a stop-the-world or another goroutine
// waits for at most the linger: a signal (Go's preemption signal included)
// ends the sleep early, and the shorter linger is not resumed.
func (rl *relay) sleep() {
	ts := unix.NsecToTimespec(int64(linger))
	_, _, _ = unix.RawSyscall(unix.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0)
}
