package sysx

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// PrctlSetChildSubreaper marks the calling process as a child subreaper
// (prctl(2), PR_SET_CHILD_SUBREAPER): orphaned descendants are re-parented
// to it instead of to PID 1, so it can reap them. A process that is PID 1
// of its namespace gets them anyway and need not call this.
func PrctlSetChildSubreaper() error {
	err := IgnoringEINTR(func() error { return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) })
	return os.NewSyscallError("prctl(PR_SET_CHILD_SUBREAPER)", err)
}

// PrctlGetChildSubreaper reports whether the calling process is a child
// subreaper (prctl(2), PR_GET_CHILD_SUBREAPER).
func PrctlGetChildSubreaper() (bool, error) {
	var v int32
	err := IgnoringEINTR(func() error {
		// The pointer conversion stays inside the call to the assembly
		// Syscall6, the one form unsafe.Pointer's rule (4) allows.
		_, _, e := unix.Syscall6(unix.SYS_PRCTL, unix.PR_GET_CHILD_SUBREAPER, uintptr(unsafe.Pointer(&v)), 0, 0, 0, 0)
		if e != 0 {
			return e
		}
		return nil
	})
	if err != nil {
		return false, os.NewSyscallError("prctl(PR_GET_CHILD_SUBREAPER)", err)
	}
	return v != 0, nil
}

// PrctlSetNoNewPrivs sets no_new_privs on the calling THREAD (prctl(2),
// PR_SET_NO_NEW_PRIVS): execve can no longer grant privileges (setuid bits,
// file capabilities). The flag is per thread, inherited by fork and clone
// and cannot be cleared, so a Go caller must run it on a locked OS thread
// that it lets die afterwards, or on every thread before an exec in place.
func PrctlSetNoNewPrivs() error {
	err := IgnoringEINTR(func() error { return unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) })
	return os.NewSyscallError("prctl(PR_SET_NO_NEW_PRIVS)", err)
}
