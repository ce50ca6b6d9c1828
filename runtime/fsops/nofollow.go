package fsops

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// trustedRoots are the writable places a spec may name. They belong to the
// image (or the platform's mounts), so a link in them, such as a /run that
// points elsewhere, is the image author's choice and is followed; below
// them the app user can create entries, so no link is followed there.
var trustedRoots = []string{"/app/data", "/run", "/tmp"}

// OpenDirNoFollow opens the directory path for *at calls without following
// a symbolic link in any component below its trusted root (one of
// /app/data, /run, /tmp, or else "/"): each component is opened with
// openat(O_NOFOLLOW|O_DIRECTORY) relative to the last. An app user who
// plants /app/data/conf -> /etc cannot make root write /etc/x by way of
// /app/data/conf/x, and cannot swap a checked directory for a link
// afterwards, since nothing is looked up by name again. A link in the way
// is an error that names it:
//
//	fd, err := OpenDirNoFollow("/app/data/conf/ssl")
//	// err: "/app/data/conf is a symbolic link: not followed"
func OpenDirNoFollow(path string) (int, error) {
	path = filepath.Clean(path)
	if !filepath.IsAbs(path) {
		abs, err := filepath.Abs(path)
		if err != nil {
			return -1, err
		}
		path = abs
	}
	root := "/"
	for _, r := range trustedRoots {
		if path == r || strings.HasPrefix(path, r+"/") {
			root = r
			break
		}
	}
	fd, err := openDir(root)
	if err != nil {
		return -1, fmt.Errorf("%s: %w", root, err)
	}
	done := root
	for _, comp := range strings.Split(strings.TrimPrefix(strings.TrimPrefix(path, root), "/"), "/") {
		if comp == "" {
			continue
		}
		next, err := openDirAt(fd, comp)
		unix.Close(fd)
		done = filepath.Join(done, comp)
		if err != nil {
			if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) && isSymlinkAt(done) {
				return -1, fmt.Errorf("%s is a symbolic link: not followed", done)
			}
			return -1, &os.PathError{Op: "open", Path: done, Err: unwrapSyscall(err)}
		}
		fd = next
	}
	return fd, nil
}

// CheckNoSymlinks reports an error when a component of path's parent
// directory below its trusted root is a symbolic link (the last component
// is the caller's to open with O_NOFOLLOW). It is OpenDirNoFollow for code
// that then opens by name, e.g. through os: only safe while no app-user
// process runs, which is true during the stages.
func CheckNoSymlinks(path string) error {
	fd, err := OpenDirNoFollow(filepath.Dir(filepath.Clean(path)))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil // nothing there yet: whoever creates it checks again
		}
		return err
	}
	unix.Close(fd)
	return nil
}

func isSymlinkAt(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode()&os.ModeSymlink != 0
}

func unwrapSyscall(err error) error {
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err
	}
	return err
}
