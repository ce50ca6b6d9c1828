package control

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestLockPath(t *testing.T) {
	t.Parallel()
	dir := shortDir(t)
	spec := filepath.Join(dir, "appstart.toml")
	os.WriteFile(spec, nil, 0o644)
	link := filepath.Join(dir, "link.toml")
	os.Symlink(spec, link)
	a := LockPath("/run/appstart", spec)
	if !strings.HasPrefix(a, "/run/appstart/") || !strings.HasSuffix(a, ".lock") || len(filepath.Base(a)) != 16+5 {
		t.Errorf("LockPath = %q", a)
	}
	for _, same := range []string{filepath.Join(dir, ".", "x", "..", "appstart.toml"), link} {
		if got := LockPath("/run/appstart", same); got != a {
			t.Errorf("LockPath(%q) = %q, want %q as for %q", same, got, a, spec)
		}
	}
	if b := LockPath("/run/appstart", filepath.Join(dir, "other.toml")); b == a {
		t.Errorf("two specs share the lock %q", a)
	}
}

func TestLockInProcess(t *testing.T) {
	t.Parallel()
	path := filepath.Join(shortDir(t), "run", "appstart", "x.lock")
	release, pid, err := Lock(path)
	if err != nil || pid != 0 {
		t.Fatalf("first Lock: %v, pid %d", err, pid)
	}
	if fi, _ := os.Stat(filepath.Dir(path)); fi.Mode().Perm() != 0o700 {
		t.Errorf("lock directory mode %v", fi.Mode())
	}
	// flock(2) locks belong to the open file, so a second open in the same
	// process is refused just as another process would be.
	_, pid, err = Lock(path)
	var he *HeldError
	if !errors.As(err, &he) || pid != os.Getpid() || he.Pid != pid {
		t.Fatalf("second Lock: %v, pid %d; want held by %d", err, pid, os.Getpid())
	}
	if !strings.Contains(err.Error(), "another appstart is running this spec: pid ") {
		t.Errorf("message %q", err)
	}
	release()
	release() // idempotent
	release2, _, err := Lock(path)
	if err != nil {
		t.Fatalf("Lock after release: %v", err)
	}
	release2()
}

// lockChild starts a process that takes the lock and waits on its stdin.
func lockChild(t *testing.T, path string) (*exec.Cmd, func()) {
	t.Helper()
	self, _ := os.Executable()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	cmd := exec.CommandContext(ctx, self)
	cmd.Env = append(os.Environ(), childModeEnv+"=lock", childArgEnv+"="+path)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Barrier: the child says it holds the lock.
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		cancel()
		cmd.Wait()
		t.Fatalf("child did not take the lock: %q, %v", line, err)
	}
	return cmd, func() { stdin.Close(); cancel() }
}

func TestLockHeldByAnotherProcess(t *testing.T) {
	t.Parallel()
	path := filepath.Join(shortDir(t), "x.lock")
	cmd, done := lockChild(t, path)
	defer done()
	_, pid, err := Lock(path)
	if pid != cmd.Process.Pid || err == nil {
		t.Fatalf("Lock while the child holds it: pid %d, %v; want pid %d", pid, err, cmd.Process.Pid)
	}
	// The child ends without calling release: its exit frees the lock.
	done()
	cmd.Wait()
	release, pid, err := Lock(path)
	if err != nil {
		t.Fatalf("Lock after the holder exited: %v (pid %d)", err, pid)
	}
	release()
}

func TestLockHeldByKilledProcess(t *testing.T) {
	t.Parallel()
	path := filepath.Join(shortDir(t), "x.lock")
	cmd, done := lockChild(t, path)
	defer done()
	if _, pid, _ := Lock(path); pid != cmd.Process.Pid {
		t.Fatalf("holder pid %d, want %d (the negative control: held means held)", pid, cmd.Process.Pid)
	}
	cmd.Process.Kill()
	cmd.Wait()
	release, _, err := Lock(path)
	if err != nil {
		t.Fatalf("Lock after SIGKILL of the holder: %v", err)
	}
	release()
}

// A copy of the lock's descriptor elsewhere (a child forked at that moment
// holds one until its exec; a dup stands in for it here) must not keep the
// lock once release has run.
func TestReleaseUnlocksWhileACopyIsOpen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(shortDir(t), "run", "appstart", "y.lock")
	release, _, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	copyFd := -1
	ents, _ := os.ReadDir("/proc/self/fd")
	for _, e := range ents {
		if target, _ := os.Readlink("/proc/self/fd/" + e.Name()); target == path {
			fd, _ := strconv.Atoi(e.Name())
			if copyFd, err = syscall.Dup(fd); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if copyFd < 0 {
		t.Fatal("cannot find the lock's descriptor in /proc/self/fd")
	}
	defer syscall.Close(copyFd)
	release()
	release2, _, err := Lock(path)
	if err != nil {
		t.Fatalf("Lock after release, a copy of the old descriptor open: %v", err)
	}
	release2()
}

// The pid goes into the lock file after the lock is taken; when writing it
// fails, Lock fails and lets the lock go (it once dropped the error, and
// a second appstart would then read no pid from a held lock). A sealed
// memfd, reopened through /proc, makes each step fail in turn: a shrink
// seal on a non-empty file refuses the truncate, a write seal the write.
func TestLockFailsWhenThePidCannotBeWritten(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		content string
		seal    int
		errno   syscall.Errno
	}{
		{"truncate refused", "a longer pid left by an earlier holder\n", unix.F_SEAL_SHRINK, syscall.EPERM},
		{"write refused", "", unix.F_SEAL_WRITE, syscall.EPERM},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fd, err := unix.MemfdCreate("lock", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
			if err != nil {
				t.Fatalf("memfd_create: %v", err)
			}
			defer unix.Close(fd)
			if _, err := unix.Write(fd, []byte(c.content)); err != nil {
				t.Fatal(err)
			}
			if _, err := unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS, c.seal); err != nil {
				t.Fatalf("F_ADD_SEALS: %v", err)
			}
			path := "/proc/self/fd/" + strconv.Itoa(fd)
			release, pid, err := Lock(path)
			if err == nil {
				release()
				t.Fatalf("Lock(%s) = nil error; want the failed pid write reported", c.name)
			}
			if !errors.Is(err, c.errno) || pid != 0 || !strings.Contains(err.Error(), "cannot write pid to run lock "+path) {
				t.Errorf("Lock = pid %d, %v; want %v in the pid write", pid, err, c.errno)
			}
			// Failing, it must not keep the lock: another open file takes it.
			if err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
				t.Errorf("the lock is still held after the failed Lock: %v", err)
			}
		})
	}
}

// Refused to a user other than root, the lock's error says that appstart
// starts as root and drops privileges itself (issue 16: docker run --user).
func TestLockErrorNonRoot(t *testing.T) {
	t.Parallel()
	err := &os.PathError{Op: "mkdir", Path: "/run/appstart", Err: syscall.EACCES}
	got := lockError("/run/appstart/x.lock", err, 1000).Error()
	want := `cannot start as uid 1000: appstart starts as root and drops privileges itself (user = "cloudron" in appstart.toml), so leave out docker run --user and the Dockerfile's USER (the run lock /run/appstart/x.lock: permission denied)`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := lockError("/run/appstart/x.lock", err, 0).Error(); got != "cannot take run lock /run/appstart/x.lock: mkdir /run/appstart: permission denied" {
		t.Errorf("as root: %s", got)
	}
}

// Whatever pid an earlier holder left (release leaves it), the file holds
// exactly the new holder's once Lock returns: a longer one is cut.
func TestLockReplacesAnEarlierPid(t *testing.T) {
	t.Parallel()
	want := strconv.Itoa(os.Getpid()) + "\n"
	for _, old := range []string{"", "1\n", "4194304\n", strings.Repeat("9", 40) + "\n"} {
		path := filepath.Join(t.TempDir(), "run.lock")
		if err := os.WriteFile(path, []byte(old), 0o600); err != nil {
			t.Fatal(err)
		}
		release, _, err := Lock(path)
		if err != nil {
			t.Fatalf("Lock over %q: %v", old, err)
		}
		if got, _ := os.ReadFile(path); string(got) != want {
			t.Errorf("lock file over %q holds %q, want %q", old, got, want)
		}
		release()
	}
}
