package sysx

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestKillGroupRefusesOwnAndAllGroups(t *testing.T) {
	t.Parallel()
	for _, pgid := range []int{-5, 0, 1} {
		if err := KillGroup(pgid, 0); err == nil {
			t.Errorf("KillGroup(%d) accepted", pgid)
		}
	}
}

func TestKillMissingProcessIsESRCH(t *testing.T) {
	t.Parallel()
	err := Kill(1<<22+1, 0) // above pid_max's ceiling: never a process
	var se *os.SyscallError
	if !errors.As(err, &se) || !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("got %#v, want *os.SyscallError wrapping ESRCH", err)
	}
}

// TestKillGroupReachesTheGroup starts a child in its own process group,
// SIGKILLs the group and reads the kernel's verdict from the zombie's
// /proc/PID/stat (state Z, exit_code 9) before reaping it. This package owns
// no reaper, so the test reaps its own child by pid.
func TestKillGroupReachesTheGroup(t *testing.T) {
	t.Parallel()
	pid, err := syscall.ForkExec("/bin/sleep", []string{"sleep", "60"}, &syscall.ProcAttr{
		Sys: &syscall.SysProcAttr{Setpgid: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		var ws unix.WaitStatus
		unix.Wait4(pid, &ws, 0, nil)
	}()
	if state, _ := statOf(t, pid); state == "Z" {
		t.Fatal("child is a zombie before the kill: the test cannot fail")
	}
	if err := KillGroup(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		state, code := statOf(t, pid)
		if state == "Z" {
			if code != int(syscall.SIGKILL) {
				t.Fatalf("zombie exit_code = %d, want %d (SIGKILL)", code, syscall.SIGKILL)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("child %d still in state %s after the group kill", pid, state)
		}
		time.Sleep(time.Millisecond) // poll with a deadline
	}
}

// statOf returns the state and exit_code fields of /proc/PID/stat (proc(5):
// fields 3 and 52; counted after the ")" that ends the command name).
func statOf(t *testing.T, pid int) (string, int) {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	code, _ := strconv.Atoi(f[len(f)-1])
	return f[0], code
}
