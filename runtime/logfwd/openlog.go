package logfwd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Opening a followed file safely (issue 14). appstart reads logfiles as
// root, in directories the app user may own (/run/app): a link there to a
// root-only file would stream it into the container log, one to /dev/zero
// wrote 11.9 GB in 30 s, and a FIFO blocked a thread in open(2). So:
//
//   - the last component is never followed (O_NOFOLLOW);
//   - a link in a directory component is followed only if the app user
//     cannot have made or changed it: owned by root, in a root-owned
//     directory that others cannot write (or that is sticky, like /tmp).
//     That keeps an image's own links working (/var/log/nginx -> /run/nginx,
//     /var/run -> /run) and refuses every link planted at run time;
//   - only a regular file is read: the entry is lstat'ed before the open,
//     opened with O_NONBLOCK (a FIFO swapped in meanwhile cannot block)
//     and fstat'ed after it.
//
// The file's owner is not checked: a log is legitimately root's (a master
// process opens it before dropping privileges) or any worker user's, and
// a root-only file is root's, so an owner rule would not tell them apart.
// The checks above are what keep other files out. Every reopen after a
// rotation goes through the same checks.

// maxLinks bounds the links followed in one path, as the kernel does
// (ELOOP after 40, path_resolution(7)).
const maxLinks = 40

// refusal is a file the follower will not read; it keeps polling, since
// the app may put a proper file there later.
type refusal struct{ path, why string }

func (r *refusal) Error() string { return fmt.Sprintf("not following %s: %s", r.path, r.why) }

// openParent opens the directory that holds path's last component and
// returns it with that name, following only trusted links on the way.
func openParent(path string) (int, string, error) {
	orig := filepath.Clean(path)
	if !filepath.IsAbs(orig) {
		return -1, "", fmt.Errorf("%s is not an absolute path", path)
	}
	p, links := orig, 0
restart:
	dir, name := filepath.Split(p)
	fd, err := openat(unix.AT_FDCWD, "/", unix.O_DIRECTORY)
	if err != nil {
		return -1, "", err
	}
	at := "/"
	comps := strings.Split(strings.Trim(dir, "/"), "/")
	for i, comp := range comps {
		if comp == "" {
			continue
		}
		next, err := openat(fd, comp, unix.O_DIRECTORY|unix.O_NOFOLLOW)
		if err == nil {
			unix.Close(fd)
			fd, at = next, filepath.Join(at, comp)
			continue
		}
		if !errors.Is(err, unix.ELOOP) && !errors.Is(err, unix.ENOTDIR) {
			unix.Close(fd)
			return -1, "", &fs.PathError{Op: "open", Path: filepath.Join(at, comp), Err: err}
		}
		target, why := trustedLink(fd, comp)
		unix.Close(fd)
		if why != "" {
			return -1, "", &refusal{path: orig, why: filepath.Join(at, comp) + " " + why}
		}
		if links++; links > maxLinks {
			return -1, "", &fs.PathError{Op: "open", Path: orig, Err: unix.ELOOP}
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(at, target) // at holds no link: ".." is textual
		}
		p = filepath.Join(target, strings.Join(comps[i+1:], "/"), name)
		goto restart
	}
	return fd, name, nil
}

// trustedLink returns the target of the link name in the directory dirfd,
// or why it is not followed ("" target and a reason; also for a
// non-directory that is not a link).
func trustedLink(dirfd int, name string) (string, string) {
	var st, dst unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return "", "cannot be examined: " + err.Error()
	}
	if st.Mode&unix.S_IFMT != unix.S_IFLNK {
		return "", "is not a directory"
	}
	if err := unix.Fstat(dirfd, &dst); err != nil {
		return "", "cannot be examined: " + err.Error()
	}
	othersWrite := dst.Mode&0o022 != 0 && dst.Mode&unix.S_ISVTX == 0
	if st.Uid != 0 || dst.Uid != 0 || othersWrite {
		return "", fmt.Sprintf("is a symbolic link the app may have made (link uid %d, directory uid %d mode %04o): not followed",
			st.Uid, dst.Uid, dst.Mode&0o7777)
	}
	buf := make([]byte, unix.PathMax)
	n, err := unix.Readlinkat(dirfd, name, buf)
	if err != nil {
		return "", "cannot be read: " + err.Error()
	}
	return string(buf[:n]), ""
}

// lstatLog is lstat(path) through openParent: the entry itself, never
// what a link there points to.
func lstatLog(path string) (unix.Stat_t, error) {
	var st unix.Stat_t
	dfd, name, err := openParent(path)
	if err != nil {
		return st, err
	}
	defer unix.Close(dfd)
	if err := unix.Fstatat(dfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return st, &fs.PathError{Op: "lstat", Path: path, Err: err}
	}
	return st, nil
}

// openLog opens path for reading if it is a regular file reached the safe
// way; a *refusal otherwise, or an error wrapping fs.ErrNotExist when
// there is nothing there (yet).
func openLog(path string) (*os.File, unix.Stat_t, error) {
	dfd, name, err := openParent(path)
	if err != nil {
		return nil, unix.Stat_t{}, err
	}
	defer unix.Close(dfd)
	var st unix.Stat_t
	if err := unix.Fstatat(dfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return nil, st, &fs.PathError{Op: "lstat", Path: path, Err: err}
	}
	if why := notRegular(&st); why != "" {
		return nil, st, &refusal{path: path, why: why}
	}
	fd, err := openat(dfd, name, unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY)
	if errors.Is(err, unix.ELOOP) {
		return nil, st, &refusal{path: path, why: notRegular(&unix.Stat_t{Mode: unix.S_IFLNK})}
	}
	if err != nil {
		return nil, st, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, st, &fs.PathError{Op: "fstat", Path: path, Err: err}
	}
	if why := notRegular(&st); why != "" { // swapped since the lstat
		unix.Close(fd)
		return nil, st, &refusal{path: path, why: why}
	}
	_ = unix.SetNonblock(fd, false) // a regular file: plain blocking reads
	return os.NewFile(uintptr(fd), path), st, nil
}

// notRegular says why st is not followed, or "" for a regular file.
func notRegular(st *unix.Stat_t) string {
	var what string
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		return ""
	case unix.S_IFLNK:
		return "it is a symbolic link (a logfile's own name is never followed)"
	case unix.S_IFDIR:
		what = "a directory"
	case unix.S_IFIFO:
		what = "a named pipe"
	case unix.S_IFSOCK:
		what = "a socket"
	case unix.S_IFCHR:
		what = "a character device"
	case unix.S_IFBLK:
		what = "a block device"
	default:
		what = "not a file"
	}
	return "it is " + what + ", not a regular file"
}

func openat(dirfd int, name string, flags int) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_CLOEXEC|flags, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}
