package sysx

import (
	"testing"

	"golang.org/x/sys/unix"
)

// openInheritable opens /dev/null WITHOUT O_CLOEXEC, like a descriptor
// inherited from whoever started appstart.
func openInheritable(t *testing.T) int {
	t.Helper()
	fd, err := unix.Open("/dev/null", unix.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if cloexec(t, fd) {
		t.Fatalf("fd %d is close-on-exec before the call: the test cannot fail", fd)
	}
	return fd
}

func cloexec(t *testing.T, fd int) bool {
	t.Helper()
	flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	if err != nil {
		t.Fatal(err)
	}
	return flags&unix.FD_CLOEXEC != 0
}

// Both tests mark fds of the whole test process, so they do not run in
// parallel with each other's negative controls.
func TestCloseExecFrom(t *testing.T) {
	fd := openInheritable(t)
	if err := CloseExecFrom(3); err != nil {
		t.Fatal(err)
	}
	if !cloexec(t, fd) {
		t.Fatalf("fd %d still inheritable after CloseExecFrom(3)", fd)
	}
	for _, std := range []int{0, 1, 2} {
		if cloexec(t, std) {
			t.Errorf("fd %d became close-on-exec; stdio must stay inheritable", std)
		}
	}
}

func TestCloseExecFromProcFallback(t *testing.T) {
	fd := openInheritable(t)
	if err := closeExecFromProc(fd); err != nil {
		t.Fatal(err)
	}
	if !cloexec(t, fd) {
		t.Fatalf("fd %d still inheritable after the /proc fallback", fd)
	}
}
