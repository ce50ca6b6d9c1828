package stage

import (
	"appstart/runtime/fsops"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// maxConfigSize bounds what the stages read into memory from /app/data
// (secrets, patched files, markers): the app user writes there, and a
// multi-gigabyte "config" must not take appstart down with it.
const maxConfigSize = 64 << 20

// readFileNoFollow reads a regular file without following a final symlink:
// appstart is root and /app/data belongs to the app user, who could
// otherwise point .app_secret at /etc/shadow and have it exported to its own
// environment (open(2), O_NOFOLLOW). The stat is of the opened file.
func readFileNoFollow(path string) ([]byte, *syscall.Stat_t, error) {
	if err := fsops.CheckNoSymlinks(path); err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, nil, fmt.Errorf("%s is a symbolic link: %w", path, err)
		}
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("not a regular file (%s)", fi.Mode().Type())}
	}
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, nil, err
	}
	if len(data) > maxConfigSize {
		return nil, nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("larger than %d MiB", maxConfigSize>>20)}
	}
	return data, fi.Sys().(*syscall.Stat_t), nil
}

// mkParents creates the missing directories above path with mode and owner,
// the way a start.sh's `mkdir -p` followed by chown would, and returns how
// many it made. Existing ones are left as they are.
func mkParents(path string, mode fs.FileMode, uid, gid int) (int, error) {
	if err := fsops.CheckNoSymlinks(path); err != nil {
		return 0, err
	}
	dir := filepath.Dir(filepath.Clean(path))
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Lstat(d)
		if err == nil {
			if !fi.IsDir() {
				return 0, fmt.Errorf("cannot create %s: %s is not a directory", dir, d)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return 0, fmt.Errorf("cannot create %s: %w", dir, err)
		}
		missing = append(missing, d)
		if d == filepath.Dir(d) {
			break
		}
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := mkdirOwned(missing[i], mode, uid, gid); err != nil && !errors.Is(err, fs.ErrExist) {
			return len(missing) - 1 - i, err
		}
	}
	return len(missing), nil
}

// mkdirOwned creates one directory and sets its owner and its mode exactly
// (mkdir(2) applies the umask; chown clears set-id bits, so chmod comes last).
func mkdirOwned(path string, mode fs.FileMode, uid, gid int) error {
	if err := fsops.CheckNoSymlinks(path); err != nil {
		return err
	}
	if err := os.Mkdir(path, 0o700); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		return fmt.Errorf("cannot create %s: %w", path, unwrapPath(err))
	}
	if err := os.Lchown(path, uid, gid); err != nil {
		return fmt.Errorf("cannot chown %s: %w", path, unwrapPath(err))
	}
	if err := os.Chmod(path, mode); err != nil {
		return fmt.Errorf("cannot chmod %s: %w", path, unwrapPath(err))
	}
	return nil
}

// unwrapPath drops an *fs.PathError's own path, for messages that already
// name it.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// ownerString shows numeric ownership the way ls -n does, for plans.
func ownerString(uid, gid int) string {
	return fmt.Sprintf("%d:%d", uid, gid)
}

// modeString writes a mode as chmod(1) takes it: "0750", "2775".
func modeString(m fs.FileMode) string {
	return fmt.Sprintf("%04o", fsops.UnixMode(m))
}
