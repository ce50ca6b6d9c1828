package control

import (
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"appstart/runtime/sysx"
)

// LockPath is the run lock of the spec at specPath, in dir: one lock per
// spec file, however its path is spelt (made absolute, symlinks resolved).
//
//	control.LockPath("/run/appstart", "/app/code/appstart.toml")
//	// "/run/appstart/3f0c1a5e9b2d7c44.lock"
func LockPath(dir, specPath string) string {
	p, err := filepath.Abs(specPath)
	if err != nil {
		p = filepath.Clean(specPath)
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	// A name, not a secret: FNV-1a spreads paths as well as SHA-256 here,
	// without the crypto packages in the binary.
	h := fnv.New64a()
	h.Write([]byte(p))
	return filepath.Join(dir, hex.EncodeToString(h.Sum(nil))+".lock")
}

// Lock takes the run lock at path (see LockPath), creating its directory
// (0700) and file. It never waits: when another process holds the lock,
// it returns that process's pid and a *HeldError. release gives the lock
// up; so does the process ending, however it ends, because flock(2) locks
// belong to the open file and the kernel closes it. The descriptor is
// close-on-exec, so a program appstart starts never inherits the lock and
// cannot keep it after appstart is gone.
//
//	release, pid, err := control.Lock(control.LockPath(control.DefaultDir, spec))
//	// err: another appstart is running this spec: pid 42 holds /run/appstart/3f0c….lock
func Lock(path string) (release func(), holderPid int, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, 0, lockError(path, err, os.Geteuid())
	}
	f, err := sysx.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600) // O_CLOEXEC
	if err != nil {
		return nil, 0, lockError(path, err, os.Geteuid())
	}
	fd := int(f.Fd())
	for {
		err = syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if errors.Is(err, syscall.EWOULDBLOCK) {
		pid := readPid(f)
		f.Close()
		return nil, pid, &HeldError{Path: path, Pid: pid}
	}
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("cannot take run lock %s: %w", path, err)
	}
	// The file is never removed: unlinking a lock file lets a waiter lock
	// the old inode while a newcomer locks a new one. A pid left by an
	// earlier holder is overwritten here and never read unless the lock is
	// held, so release leaves it, and it is cut only when longer than ours
	// (a truncate is a journaled change of the inode on a disk-backed /run).
	// One err, not one per statement: a shadowed err once dropped both
	// failures and kept a lock with no pid for a second appstart to name.
	pid := []byte(strconv.Itoa(os.Getpid()) + "\n")
	var st syscall.Stat_t
	if err = syscall.Fstat(fd, &st); err == nil && st.Size > int64(len(pid)) {
		err = f.Truncate(int64(len(pid)))
	}
	if err == nil {
		_, err = f.WriteAt(pid, 0)
	}
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("cannot write pid to run lock %s: %w", path, err)
	}
	return sync.OnceFunc(func() {
		// Unlock explicitly: a child forked at this moment holds a copy of
		// the descriptor until its exec, and with it the lock, if release
		// only closed ours (seen as a flaky re-Lock under load).
		syscall.Flock(fd, syscall.LOCK_UN)
		f.Close()
	}), 0, nil
}

// readPid reads the holder's pid; 0 if it has not written it yet.
func readPid(f *os.File) int {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

// lockError says why the run lock could not be made. Refused to a user
// other than root, it is almost always `docker run --user 1000` (or USER
// in the Dockerfile): say what to do about that, not only what failed.
//
//	appstart: cannot start as uid 1000: appstart starts as root and drops
//	privileges itself (user = "cloudron" in appstart.toml), so leave out
//	docker run --user and the Dockerfile's USER (the run lock
//	/run/appstart/3f0c….lock: permission denied)
func lockError(path string, err error, euid int) error {
	if euid != 0 && (errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM)) {
		cause := errors.Unwrap(err) // the errno alone: the lock's path is said once
		if cause == nil {
			cause = err
		}
		return fmt.Errorf("cannot start as uid %d: appstart starts as root and drops privileges itself "+
			"(user = \"cloudron\" in appstart.toml), so leave out docker run --user and the Dockerfile's USER "+
			"(the run lock %s: %w)", euid, path, cause)
	}
	return fmt.Errorf("cannot take run lock %s: %w", path, err)
}
