package sysx

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// Setgroups sets the supplementary groups of every thread of the process
// (setgroups(2)). Go's syscall package applies it to all threads (since Go
// 1.16, via AllThreadsSyscall), which is what a privilege drop needs: a
// thread left with root's groups would be a hole.
func Setgroups(gids []uint32) error {
	ints := make([]int, len(gids))
	for i, g := range gids {
		ints[i] = int(g)
	}
	err := IgnoringEINTR(func() error { return syscall.Setgroups(ints) })
	return os.NewSyscallError("setgroups", err)
}

// Setgid sets the real, effective and saved group id of every thread
// (setgid(2); all threads as for [Setgroups]).
func Setgid(gid uint32) error {
	err := IgnoringEINTR(func() error { return syscall.Setgid(int(gid)) })
	return os.NewSyscallError("setgid", err)
}

// Setuid sets the real, effective and saved user id of every thread
// (setuid(2); all threads as for [Setgroups]). For a root caller moving to
// a non-zero uid this also clears the permitted and effective capability
// sets (capabilities(7), "Effect of user ID changes on capabilities").
func Setuid(uid uint32) error {
	err := IgnoringEINTR(func() error { return syscall.Setuid(int(uid)) })
	return os.NewSyscallError("setuid", err)
}

// ErrNotDropped is returned by [DropTo] when setuid(0) still succeeds after
// the drop, i.e. the process could take root back.
var ErrNotDropped = errors.New("setuid(0) succeeded")

// DropTo changes the whole process to uid, gid and exactly the supplementary
// groups given (none when groups is empty: root's groups must not survive,
// the bug of supervisord's NoSetGroups). The order is fixed by the
// permission rules: setgroups and setgid need CAP_SETGID, which setuid to a
// non-root uid removes, so they come first (runc's setupUser, gosu).
// For a non-root uid it then checks that setuid(0) fails, as gosu does, so
// a kernel or seccomp quirk cannot leave a silent way back to root.
//
//	sysx.DropTo(1000, 1000, []uint32{1000}) // /proc/self/status: Uid 1000..., Groups: 1000
func DropTo(uid, gid uint32, groups []uint32) error {
	if err := Setgroups(groups); err != nil {
		return fmt.Errorf("cannot drop privileges to %d:%d: %w", uid, gid, err)
	}
	if err := Setgid(gid); err != nil {
		return fmt.Errorf("cannot drop privileges to %d:%d: %w", uid, gid, err)
	}
	if err := Setuid(uid); err != nil {
		return fmt.Errorf("cannot drop privileges to %d:%d: %w", uid, gid, err)
	}
	if uid == 0 {
		return nil
	}
	if err := syscall.Setuid(0); err == nil {
		return fmt.Errorf("cannot verify privilege drop to %d:%d: %w", uid, gid, ErrNotDropped)
	}
	return nil
}
