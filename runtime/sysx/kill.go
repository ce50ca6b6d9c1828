package sysx

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// Kill sends sig to pid (kill(2)). ESRCH (no such process) comes back as an
// *os.SyscallError wrapping syscall.ESRCH; callers that race with exits
// test it with errors.Is.
func Kill(pid int, sig syscall.Signal) error {
	err := IgnoringEINTR(func() error { return unix.Kill(pid, sig) })
	return os.NewSyscallError("kill", err)
}

// KillGroup sends sig to every process in process group pgid (kill(2) with
// -pgid). It refuses pgid <= 1: kill(0) would signal appstart's own group
// and kill(-1) every process it may signal, which only [Kill] with an
// explicit -1 should ever do.
//
//	sysx.KillGroup(pid, syscall.SIGTERM) // pid was started with Setpgid
func KillGroup(pgid int, sig syscall.Signal) error {
	if pgid <= 1 {
		return fmt.Errorf("cannot signal process group %d: not a program's group", pgid)
	}
	err := IgnoringEINTR(func() error { return unix.Kill(-pgid, sig) })
	return os.NewSyscallError("kill", err)
}
