package sysx

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// kernelSigaction is the kernel's struct sigaction on amd64 and arm64
// (rt_sigaction(2) takes the kernel layout, not glibc's).
type kernelSigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

const (
	sigDFL = 0
	sigIGN = 1
)

// ResetIgnoredRealtime sets back to SIG_DFL every real-time signal (32..64)
// that this process inherited as SIG_IGN, and returns how many it reset.
//
// Why: execve(2) keeps ignored signals ignored, and the Go runtime installs
// no handler for the two signals glibc reserves (32, 33), so os/signal can
// neither see nor undo an inherited ignore there; every child would inherit
// it. Signals below 32 are left alone: os/signal knows those (signal.Ignored)
// and proc's fork hygiene resets them per child without a race against Go's
// own handlers. Real-time signals that Go does handle are never SIG_IGN here,
// so they are untouched.
//
// Each signal is asked for in turn: 33 rt_sigaction calls that never enter
// the scheduler (~6 µs in all) cost less than reading SigIgn from
// /proc/self/status, which a process in a fresh PID namespace pays ~40 µs
// for (its /proc entries are made on that first read).
func ResetIgnoredRealtime() (int, error) {
	n := 0
	for sig := 32; sig <= 64; sig++ {
		var old kernelSigaction
		if err := rtSigaction(sig, nil, &old); err != nil {
			if err == unix.EINVAL {
				continue // a signal this kernel or architecture does not have
			}
			return n, err
		}
		if old.handler != sigIGN {
			continue
		}
		dfl := kernelSigaction{handler: sigDFL} // no handler runs, so no flags or restorer
		if err := rtSigaction(sig, &dfl, nil); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// DefaultSIGCHLD gives SIGCHLD its default disposition in place of the Go
// runtime's handler. With the handler, every child's end makes the kernel
// stop one of the process's threads and run it, only for the runtime to
// drop the signal: nothing here listens for SIGCHLD (a process that waits
// for its children is woken by the wait itself). With SIG_DFL the kernel
// discards the signal where it is sent. For an init that inherits 10,000
// orphans that is 10,000 signal deliveries less.
//
// Never SIG_IGN, nor SA_NOCLDWAIT: either makes the kernel reap children
// itself, and their exit statuses would be lost to wait(2). os/signal could
// no longer deliver SIGCHLD to a channel after this (its handler is not
// reinstalled), which is why only the process that owns every wait calls it.
func DefaultSIGCHLD() error {
	dfl := kernelSigaction{handler: sigDFL}
	return rtSigaction(int(unix.SIGCHLD), &dfl, nil)
}

// SIGCHLDHandled says whether a handler runs for SIGCHLD (neither SIG_DFL
// nor SIG_IGN).
func SIGCHLDHandled() (bool, error) {
	var old kernelSigaction
	if err := rtSigaction(int(unix.SIGCHLD), nil, &old); err != nil {
		return false, err
	}
	return old.handler != sigDFL && old.handler != sigIGN, nil
}

func rtSigaction(sig int, act, old *kernelSigaction) error {
	_, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(act)), uintptr(unsafe.Pointer(old)), 8, 0, 0)
	if e != 0 {
		if e == unix.EINVAL {
			return unix.EINVAL
		}
		return &syscallError{"rt_sigaction", e}
	}
	return nil
}

type syscallError struct {
	call string
	err  syscall.Errno
}

func (e *syscallError) Error() string { return e.call + ": " + e.err.Error() }
func (e *syscallError) Unwrap() error { return e.err }
