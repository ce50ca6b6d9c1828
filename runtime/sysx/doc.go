// Package sysx holds thin wrappers around the Linux system calls appstart
// needs and the standard library does not offer in the right shape. Each
// wrapper is named after its system call, retries EINTR in one place
// ([IgnoringEINTR]) and returns an *os.SyscallError (or *os.PathError for
// /proc files), so callers can test the errno with errors.Is.
//
// The privilege drop used by `appstart exec-as` (the gosu replacement) is
// the one piece with an order that matters; see [DropTo]:
//
//	// after resolving "cloudron" to 1000:1000 with groups [1000]
//	if err := sysx.DropTo(1000, 1000, []uint32{1000}); err != nil {
//		return err // e.g. "cannot verify privilege drop: setuid(0) succeeded"
//	}
//	err := unix.Exec(path, argv, env)
//
// The package imports only the standard library and golang.org/x/sys/unix.
// It never calls wait4: runtime/proc is the one owner of that (ARCHITECTURE.md,
// "One owner of wait4").
package sysx
