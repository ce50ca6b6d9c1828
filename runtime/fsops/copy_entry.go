package fsops

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

func (c *copier) copyFile(dfd int, dir, name, src string, fi fs.FileInfo) (bool, error) {
	in, err := os.OpenFile(src, os.O_RDONLY|unix.O_NOFOLLOW, 0)
	if err != nil {
		return false, unwrapPath(err)
	}
	defer in.Close()
	tmp, out, err := createTemp(dfd, dir, name)
	if err != nil {
		return false, err
	}
	committed := false
	defer func() {
		if !committed {
			out.Close()
			_ = unix.Unlinkat(dfd, tmp, 0)
		}
	}()
	// *os.File to *os.File: copy_file_range(2) or sendfile, no user copy.
	if _, err := io.Copy(out, in); err != nil {
		return false, fmt.Errorf("copy: %w", unwrapPath(err))
	}
	if err := setOwnerMode(out, c.uid, c.gid, fi.Mode()); err != nil {
		return false, err
	}
	if err := retry(func() error { return unix.Fdatasync(int(out.Fd())) }); err != nil {
		return false, os.NewSyscallError("fdatasync", err)
	}
	if err := out.Close(); err != nil {
		return false, fmt.Errorf("close: %w", unwrapPath(err))
	}
	made, err := renameNoReplace(dfd, tmp, name, false)
	if err != nil {
		return false, err
	}
	committed = made
	if !made {
		_ = unix.Unlinkat(dfd, tmp, 0)
		committed = true
	}
	return made, nil
}

func (c *copier) copyLink(dfd int, dir, name, src string) (bool, error) {
	target, err := os.Readlink(src)
	if err != nil {
		return false, unwrapPath(err)
	}
	tmp := tempName(name)
	if err := unix.Symlinkat(target, dfd, tmp); err != nil {
		return false, os.NewSyscallError("symlinkat", err)
	}
	if c.uid != -1 || c.gid != -1 {
		if err := unix.Fchownat(dfd, tmp, c.uid, c.gid, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			_ = unix.Unlinkat(dfd, tmp, 0)
			return false, os.NewSyscallError("fchownat", err)
		}
	}
	made, err := renameNoReplace(dfd, tmp, name, false)
	if !made {
		_ = unix.Unlinkat(dfd, tmp, 0)
	}
	return made, err
}

// makeDir creates directory name in dfd with its owner and mode already
// set, by making it under a temp name first: a crash never leaves a
// root-owned 0700 directory that later starts would take as the user's.
func (c *copier) makeDir(dfd int, dir, name string, mode fs.FileMode) (bool, error) {
	tmp := tempName(name)
	if err := unix.Mkdirat(dfd, tmp, 0o700); err != nil {
		return false, os.NewSyscallError("mkdirat", err)
	}
	fd, err := openDirAt(dfd, tmp)
	if err == nil {
		f := os.NewFile(uintptr(fd), filepath.Join(dir, tmp))
		err = setOwnerMode(f, c.uid, c.gid, mode)
		f.Close()
	}
	var made bool
	if err == nil {
		made, err = renameNoReplace(dfd, tmp, name, true)
	}
	if !made {
		_ = unix.Unlinkat(dfd, tmp, unix.AT_REMOVEDIR)
	}
	return made, err
}

// mkParents creates the missing directories on the way to dir.
func (c *copier) mkParents(dir string) error {
	var st unix.Stat_t
	err := unix.Lstat(dir, &st)
	if err == nil {
		if st.Mode&unix.S_IFMT != unix.S_IFDIR {
			return fmt.Errorf("cannot seed into %s: not a directory", dir)
		}
		return nil
	}
	if !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("cannot seed into %s: %w", dir, os.NewSyscallError("lstat", err))
	}
	parent, name := filepath.Split(dir)
	parent = filepath.Clean(parent)
	if err := c.mkParents(parent); err != nil {
		return err
	}
	dfd, err := OpenDirNoFollow(parent)
	if err != nil {
		return fmt.Errorf("cannot seed into %s: %w", dir, err)
	}
	defer unix.Close(dfd)
	if _, err := c.makeDir(dfd, parent, name, 0o755); err != nil {
		return fmt.Errorf("cannot create %s: %w", dir, err)
	}
	return nil
}

// renameNoReplace moves old to new in dfd unless new exists (made false).
// renameat2(RENAME_NOREPLACE) does it atomically since Linux 3.15 on ext4,
// xfs, btrfs, tmpfs and overlayfs; elsewhere (EINVAL) a hard link gives the
// same no-replace guarantee for files, and directories fall back to a
// check then rename.
func renameNoReplace(dfd int, old, new string, isDir bool) (made bool, err error) {
	err = retry(func() error { return unix.Renameat2(dfd, old, dfd, new, unix.RENAME_NOREPLACE) })
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) {
		if isDir {
			var st unix.Stat_t
			if unix.Fstatat(dfd, new, &st, unix.AT_SYMLINK_NOFOLLOW) == nil {
				return false, nil
			}
			err = retry(func() error { return unix.Renameat(dfd, old, dfd, new) })
		} else {
			err = retry(func() error { return unix.Linkat(dfd, old, dfd, new, 0) })
			if err == nil {
				_ = unix.Unlinkat(dfd, old, 0)
			}
		}
	}
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, unix.EEXIST) || errors.Is(err, unix.ENOTEMPTY):
		return false, nil
	default:
		return false, os.NewSyscallError("rename", err)
	}
}
