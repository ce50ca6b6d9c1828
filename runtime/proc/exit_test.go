package proc

import (
	"errors"
	"fmt"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

func TestExitOfWaitStatus(t *testing.T) {
	t.Parallel()
	// Wait statuses as the kernel encodes them (wait(2)): exit code in bits
	// 8-15; terminating signal in bits 0-6, core flag 0x80.
	for _, tc := range []struct {
		ws   unix.WaitStatus
		want Exit
		str  string
	}{
		{0, Exit{Pid: 7, Code: 0}, "exited 0"},
		{1 << 8, Exit{Pid: 7, Code: 1}, "exited 1"},
		{255 << 8, Exit{Pid: 7, Code: 255}, "exited 255"},
		{unix.WaitStatus(syscall.SIGKILL), Exit{Pid: 7, Code: 137, Signal: syscall.SIGKILL}, "killed by SIGKILL"},
		{unix.WaitStatus(syscall.SIGSEGV) | 0x80, Exit{Pid: 7, Code: 139, Signal: syscall.SIGSEGV, CoreDump: true}, "killed by SIGSEGV (core dumped)"},
		{unix.WaitStatus(40), Exit{Pid: 7, Code: 168, Signal: 40}, "killed by signal 40"},
	} {
		e := exitOf(7, tc.ws)
		if e != tc.want || e.String() != tc.str {
			t.Errorf("status %#x: got %+v %q, want %+v %q", uint32(tc.ws), e, e, tc.want, tc.str)
		}
	}
}

func TestExitForStartError(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  error
		code int
	}{
		{&StartError{Path: "x", Err: syscall.ENOENT}, 127},
		{fmt.Errorf("wrapped: %w", &StartError{Path: "x", Err: syscall.ENOENT}), 127},
		{&StartError{Path: "x", Err: syscall.EACCES}, 126},
		{&StartError{Path: "x", Err: syscall.ENOEXEC}, 126},
		{errors.New("anything else"), 126},
	} {
		if got := ExitForStartError(tc.err).Code; got != tc.code {
			t.Errorf("%v: %d, want %d", tc.err, got, tc.code)
		}
	}
	if got := (&StartError{Path: "nginx", Err: syscall.ENOENT}).Error(); got != "cannot start nginx: no such file or directory" {
		t.Errorf("message %q", got)
	}
}
