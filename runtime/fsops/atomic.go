package fsops

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// WriteFileAtomic replaces path with data so that, whatever instant the
// process or machine dies at, path holds either its old content or all of
// data, never a mix or an empty file:
//
//  1. a temp file is created in the same directory (same filesystem, so
//     rename is atomic) with O_EXCL|O_NOFOLLOW, a random name and mode
//     0600, so no one can read it or plant a link at its name first;
//  2. data is written, the owner set (uid or gid -1 leaves it), then the
//     mode set to perm exactly (no umask; after chown, which would clear
//     set-id bits), and the file fsync'ed;
//  3. it is renamed over path, and the directory fsync'ed so the rename
//     itself survives a power loss (rename(2), fsync(2) "NOTES").
//
// On any error the temp file is removed and path is untouched (except for
// an error from the final directory fsync, after which path holds data but
// its durability is unknown). A crash can leave a temp file named
// ".<name>.tmp-<16 hex>" beside path; it is never confused with path, and
// the next successful write of path removes it.
//
//	err := WriteFileAtomic("/app/data/.session-secret", key, 0o600, 1000, 1000)
//	// error example: "cannot write /app/data/.session-secret: write: no space left on device"
func WriteFileAtomic(path string, data []byte, perm fs.FileMode, uid, gid int) error {
	if err := writeFileAtomic(path, data, perm, uid, gid); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}

func writeFileAtomic(path string, data []byte, perm fs.FileMode, uid, gid int) error {
	dir, base := filepath.Split(path)
	if base == "" {
		return errors.New("no file name")
	}
	if dir == "" {
		dir = "."
	}
	dfd, err := OpenDirNoFollow(dir)
	if err != nil {
		return err
	}
	defer unix.Close(dfd)

	tmp, f, err := createTemp(dfd, dir, base)
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			f.Close()
			_ = unix.Unlinkat(dfd, tmp, 0)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write: %w", unwrapPath(err))
	}
	if err := setOwnerMode(f, uid, gid, perm); err != nil {
		return err
	}
	if err := retry(f.Sync); err != nil {
		return fmt.Errorf("fsync: %w", unwrapPath(err))
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close: %w", unwrapPath(err))
	}
	if err := retry(func() error { return unix.Renameat(dfd, tmp, dfd, base) }); err != nil {
		return os.NewSyscallError("rename", err)
	}
	committed = true
	if err := retry(func() error { return unix.Fsync(dfd) }); err != nil {
		return os.NewSyscallError("fsync of directory", err)
	}
	removeStaleTemps(dfd, base)
	return nil
}

// removeStaleTemps deletes the temp files of base that earlier, killed
// writers left in the directory dfd (best effort: a leftover is harmless
// but may hold part of a secret). It runs after the rename, so the one
// file that matters is already in place; the stages never write the same
// path from two goroutines, so a temp seen here is never a live one.
func removeStaleTemps(dfd int, base string) {
	buf := make([]byte, direntBufSize)
	var stale []string
	_ = readDirents(dfd, buf, func(name string, typ byte) error {
		if isTempOf(name, base) {
			stale = append(stale, name)
		}
		return nil
	})
	for _, name := range stale {
		if err := unix.Unlinkat(dfd, name, 0); errors.Is(err, unix.EISDIR) {
			_ = unix.Unlinkat(dfd, name, unix.AT_REMOVEDIR)
		}
	}
}

// openDir opens dir for use as the base of *at calls and for fsync.
func openDir(dir string) (int, error) {
	var fd int
	err := retry(func() (err error) {
		fd, err = unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return -1, os.NewSyscallError("open directory", err)
	}
	return fd, nil
}

// createTemp makes an empty mode-0600 file with a fresh random name in the
// directory dfd, which must not exist yet (O_EXCL) and is never a link
// (O_NOFOLLOW): in a directory the app user can write to, a predictable or
// followed name would let it redirect root's write.
func createTemp(dfd int, dir, base string) (string, *os.File, error) {
	for range 10 {
		name := tempName(base)
		var fd int
		err := retry(func() (err error) {
			fd, err = unix.Openat(dfd, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
			return err
		})
		if errors.Is(err, unix.EEXIST) {
			continue
		}
		if err != nil {
			return "", nil, os.NewSyscallError("create temp file", err)
		}
		return name, os.NewFile(uintptr(fd), filepath.Join(dir, name)), nil
	}
	return "", nil, errors.New("create temp file: 10 random names taken")
}

// tempName is ".<base>.tmp-<16 hex>", shortened to stay within NAME_MAX.
func tempName(base string) string {
	var b [8]byte
	// getrandom(2) returns up to 256 bytes whole, without EINTR, once the
	// pool is up; were it to fail, the zero name clashes and the caller
	// tries the next one.
	_, _ = unix.Getrandom(b[:], 0)
	return tempPrefix(base) + hex.EncodeToString(b[:])
}

func tempPrefix(base string) string {
	if len(base) > 200 {
		base = base[:200]
	}
	return "." + base + ".tmp-"
}

// isTempOf reports whether name is a temp name tempName(base) could give.
func isTempOf(name, base string) bool {
	b, ok := tempBase(name)
	return ok && tempPrefix(b) == tempPrefix(base)
}

// tempBase returns the base a temp name was made for (cut to 200 bytes).
func tempBase(name string) (string, bool) {
	const suffixLen = len(".tmp-") + 16
	if len(name) < 1+suffixLen || name[0] != '.' || name[len(name)-suffixLen:len(name)-16] != ".tmp-" {
		return "", false
	}
	if _, err := hex.DecodeString(name[len(name)-16:]); err != nil {
		return "", false
	}
	return name[1 : len(name)-suffixLen], true
}

// setOwnerMode gives f its final owner, then its mode: chown(2) clears the
// set-user-ID and set-group-ID bits, so chmod must come after it.
func setOwnerMode(f *os.File, uid, gid int, perm fs.FileMode) error {
	if uid != -1 || gid != -1 {
		if err := retry(func() error { return unix.Fchown(int(f.Fd()), uid, gid) }); err != nil {
			return os.NewSyscallError("fchown", err)
		}
	}
	if err := retry(func() error { return unix.Fchmod(int(f.Fd()), UnixMode(perm)) }); err != nil {
		return os.NewSyscallError("fchmod", err)
	}
	return nil
}

// specialBits pairs each fs.FileMode special bit with its st_mode bit.
var specialBits = [...]struct {
	fs   fs.FileMode
	unix uint32
}{{fs.ModeSetuid, unix.S_ISUID}, {fs.ModeSetgid, unix.S_ISGID}, {fs.ModeSticky, unix.S_ISVTX}}

// UnixMode converts an fs.FileMode's permission and special bits to the
// st_mode bits chmod(2) takes: UnixMode(fs.ModeSetgid|0o2750) == 0o2750.
func UnixMode(m fs.FileMode) uint32 {
	u := uint32(m.Perm())
	for _, b := range specialBits {
		if m&b.fs != 0 {
			u |= b.unix
		}
	}
	return u
}

// FileMode is UnixMode's inverse, for a stat's st_mode:
// FileMode(0o100640) == 0o640, FileMode(0o2750) == fs.ModeSetgid|0o750.
func FileMode(u uint32) fs.FileMode {
	m := fs.FileMode(u & 0o777)
	for _, b := range specialBits {
		if u&b.unix != 0 {
			m |= b.fs
		}
	}
	return m
}

// unwrapPath drops the *fs.PathError layer os.File adds, whose path is the
// temp name: the caller's error already names the real path.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
