package sysx

import (
	"errors"
	"syscall"
)

// IgnoringEINTR calls fn until it returns anything but EINTR. A signal
// arriving while a slow system call blocks makes the call fail with EINTR
// (signal(7), "Interruption of system calls and library functions by signal
// handlers"); the Go runtime installs its handlers with SA_RESTART, but not
// every call is restartable (wait4 with a timeout, close_range on some
// kernels), so each wrapper retries here instead of trusting SA_RESTART.
//
//	err := sysx.IgnoringEINTR(func() error { return unix.Kill(pid, 0) })
func IgnoringEINTR(fn func() error) error {
	for {
		err := fn()
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// IgnoringEINTR2 is [IgnoringEINTR] for calls that also return a value.
//
//	n, err := sysx.IgnoringEINTR2(func() (int, error) { return unix.Read(fd, buf) })
func IgnoringEINTR2[T any](fn func() (T, error)) (T, error) {
	for {
		v, err := fn()
		if !errors.Is(err, syscall.EINTR) {
			return v, err
		}
	}
}
