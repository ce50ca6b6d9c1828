package fsops

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// trustedRoots are the writable places a spec may name (spec.WritableRoots:
// /app/data, /run, /tmp and the package's persistent directories, such as
// Windmill's /app/pgdata). They belong to the image (or the platform's
// mounts), so a link in them, such as a /run that points elsewhere, is the
// image author's choice and is followed; below them the app user can create
// entries, so no link is followed there. Until SetTrustedRoots is called
// there are none: every path is walked from "/", the strictest reading.
var trustedRoots atomic.Pointer[[]string]

// SetTrustedRoots sets the writable roots for every later call, once per
// start before the first write (runtime/stage does, from the spec): this
// package is a leaf and does not know the spec, so the one definition of
// the roots is passed in. Roots must be absolute and clean; the deepest
// root holding a path wins, so /app/data/pg below a root /app/data is its
// own root when listed.
//
//	fsops.SetTrustedRoots(s.WritableRoots()) // [/app/data /run /tmp /app/pgdata]
func SetTrustedRoots(roots []string) {
	r := slices.Clone(roots)
	trustedRoots.Store(&r)
}

// TrustedRoots returns the roots SetTrustedRoots set, or nil.
func TrustedRoots() []string {
	if r := trustedRoots.Load(); r != nil {
		return slices.Clone(*r)
	}
	return nil
}

// rootOf is the deepest trusted root holding path, or "/".
func rootOf(path string) string {
	root := "/"
	if r := trustedRoots.Load(); r != nil {
		for _, t := range *r {
			if (path == t || strings.HasPrefix(path, t+"/")) && len(t) > len(root) {
				root = t
			}
		}
	}
	return root
}

// OpenDirNoFollow opens the directory path for *at calls without following
// a symbolic link in any component below its trusted root (see
// SetTrustedRoots; "/" for a path under none): each component is opened with
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
	root := rootOf(path)
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
