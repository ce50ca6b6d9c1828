package fsops

import (
	"errors"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The chown walk's per-entry system calls take the entry's name straight
// from the getdents64 buffer, where the kernel already NUL-terminated it:
// unix.Fstatat and unix.Fchownat would copy each name into a new C string
// (two allocations per entry, plus the Go string), which on a 100k-entry
// tree is a third of the walk's CPU time. cname must end with its NUL.

// leafMask is what the walk reads of an entry: its type and mode (to tell
// a directory and a regular file), link count, owner and device (always
// filled by statx).
const leafMask = unix.STATX_TYPE | unix.STATX_MODE | unix.STATX_NLINK | unix.STATX_UID | unix.STATX_GID

// noStatx is set once statx is found missing (ENOSYS, or EPERM from an old
// container seccomp profile): fstatat is used from then on.
var noStatx atomic.Bool

// statxAt is statx(dirfd, cname, AT_SYMLINK_NOFOLLOW) of the entry, never
// following it; without statx it falls back to fstatat.
func statxAt(dirfd int, cname []byte, x *unix.Statx_t) error {
	if !noStatx.Load() {
		err := retry(func() error {
			_, _, e := unix.Syscall6(unix.SYS_STATX, uintptr(dirfd), uintptr(unsafe.Pointer(&cname[0])),
				unix.AT_SYMLINK_NOFOLLOW, leafMask, uintptr(unsafe.Pointer(x)), 0)
			return errnoErr(e)
		})
		if !errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.EPERM) {
			return err
		}
		noStatx.Store(true)
	}
	var st unix.Stat_t
	if err := retry(func() error {
		return unix.Fstatat(dirfd, string(cname[:len(cname)-1]), &st, unix.AT_SYMLINK_NOFOLLOW)
	}); err != nil {
		return err
	}
	*x = unix.Statx_t{Mode: uint16(st.Mode), Nlink: uint32(st.Nlink), Uid: st.Uid, Gid: st.Gid,
		Dev_major: unix.Major(uint64(st.Dev)), Dev_minor: unix.Minor(uint64(st.Dev))}
	return nil
}

// fchownAt is fchownat(dirfd, cname, uid, gid, AT_SYMLINK_NOFOLLOW).
func fchownAt(dirfd int, cname []byte, uid, gid int) error {
	return retry(func() error {
		_, _, e := unix.Syscall6(unix.SYS_FCHOWNAT, uintptr(dirfd), uintptr(unsafe.Pointer(&cname[0])),
			uintptr(uid), uintptr(gid), unix.AT_SYMLINK_NOFOLLOW, 0)
		return errnoErr(e)
	})
}

func errnoErr(e unix.Errno) error {
	if e == 0 {
		return nil
	}
	return e
}
