package sysx

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// CloseExecFrom marks every open file descriptor >= minFd close-on-exec, so
// a child started afterwards inherits only what it is given explicitly
// (runc's utils.CloseExecFrom). Go opens its own files O_CLOEXEC, but
// descriptors inherited from whoever started appstart are not, and a
// secret read during the stages must never reach a program by accident.
//
// It uses close_range(2) with CLOSE_RANGE_CLOEXEC (Linux 5.11) and falls
// back to walking /proc/self/fd with fcntl(F_SETFD) on older kernels.
//
//	sysx.CloseExecFrom(3) // fds 0, 1, 2 stay inheritable
func CloseExecFrom(minFd int) error {
	err := IgnoringEINTR(func() error { return unix.CloseRange(uint(minFd), ^uint(0), unix.CLOSE_RANGE_CLOEXEC) })
	if err == nil {
		return nil
	}
	if !errors.Is(err, syscall.ENOSYS) && !errors.Is(err, syscall.EINVAL) {
		return os.NewSyscallError("close_range", err)
	}
	return closeExecFromProc(minFd)
}

// closeExecFromProc is the fallback of [CloseExecFrom]. The directory fd
// that ReadDir itself opens is listed too; marking it is harmless.
func closeExecFromProc(minFd int) error {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return fmt.Errorf("cannot mark fds close-on-exec: %w", err)
	}
	for _, e := range entries {
		fd, err := strconv.Atoi(e.Name())
		if err != nil || fd < minFd {
			continue
		}
		// EBADF: the fd was ReadDir's own, closed since the listing.
		err = IgnoringEINTR(func() error {
			_, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC)
			return err
		})
		if err != nil && !errors.Is(err, syscall.EBADF) {
			return os.NewSyscallError("fcntl(F_SETFD)", err)
		}
	}
	return nil
}
