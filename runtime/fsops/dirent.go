package fsops

import (
	"encoding/binary"
	"os"

	"golang.org/x/sys/unix"
)

// direntBufSize is the getdents64 buffer: 32 KiB holds about a thousand
// entries, so a directory costs one system call per thousand entries
// (os.File.ReadDir uses 8 KiB).
const direntBufSize = 32 << 10

// readDirents calls fn with the name and d_type (DT_DIR, DT_REG, DT_LNK...,
// or DT_UNKNOWN on filesystems that do not fill it) of every entry of the
// directory open at fd, except "." and "..", straight from getdents64(2):
// no stat and no sorting. fn must not call readDirents with the same buf.
//
// Layout of struct linux_dirent64: d_ino u64, d_off s64, d_reclen u16,
// d_type u8, d_name NUL-terminated.
func readDirents(fd int, buf []byte, fn func(name string, typ byte) error) error {
	for {
		var n int
		err := retry(func() (err error) {
			n, err = unix.Getdents(fd, buf)
			return err
		})
		if err != nil {
			return os.NewSyscallError("getdents64", err)
		}
		if n <= 0 {
			return nil
		}
		for off := 0; off+19 < n; {
			rec := buf[off:n]
			reclen := int(binary.NativeEndian.Uint16(rec[16:18]))
			if reclen < 19 || reclen > len(rec) {
				return os.NewSyscallError("getdents64", unix.EIO)
			}
			ino := binary.NativeEndian.Uint64(rec[0:8])
			typ := rec[18]
			name := rec[19:reclen]
			for i, c := range name {
				if c == 0 {
					name = name[:i]
					break
				}
			}
			off += reclen
			if ino == 0 || string(name) == "." || string(name) == ".." {
				continue
			}
			if err := fn(string(name), typ); err != nil {
				return err
			}
		}
	}
}
