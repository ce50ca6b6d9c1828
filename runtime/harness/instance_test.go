package harness_test

import (
	"context"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// Close must leave nothing behind: no process, no cgroup, no mount on the
// host, no state directory. Each fact is checked before Close too, so the
// checks can fail.
func TestCloseLeavesNothingBehind(t *testing.T) {
	t.Parallel()
	harness.Require(t)
	requireBusybox(t)
	in, err := harness.Launch(harness.Options{Argv: sh(`echo up; while :; do sleep 1000; done`), PidsLimit: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if err := in.WaitForOutput("up", wait); err != nil {
		t.Fatal(err)
	}
	pid := strconv.Itoa(in.Pid1())
	mntNS, err := os.Readlink("/proc/" + pid + "/ns/mnt")
	if err != nil {
		t.Fatal(err)
	}
	stateDir := in.StateDir()
	cg := in.Cgroup()
	dirs := []string{cg.Memory, cg.Pids, stateDir, in.DataDir()}
	for _, d := range dirs {
		if _, err := os.Stat(d); err != nil {
			t.Fatalf("before Close: %v", err)
		}
	}

	if err := in.Close(); err != nil {
		t.Fatal(err)
	}
	<-in.Done()
	if ns, err := os.Readlink("/proc/" + pid + "/ns/mnt"); err == nil && ns == mntNS {
		t.Errorf("PID 1 (%s) still runs in the container's mount namespace", pid)
	}
	for _, d := range dirs {
		if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("after Close %s remains (%v)", d, err)
		}
	}
	mounts, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(mounts), stateDir) {
		t.Errorf("a mount under %s is visible on the host", stateDir)
	}
}

func TestSetupFailureIsReported(t *testing.T) {
	t.Parallel()
	harness.Require(t)
	// A directory cannot be mounted over a file: setup.sh fails
	// after the cgroup exists, and Launch must say why and clean up.
	_, err := harness.Launch(harness.Options{Argv: []string{"/bin/true"},
		Mounts: []harness.Mount{{Source: t.TempDir(), Target: "/etc/hostname"}}})
	if err == nil || !strings.Contains(err.Error(), "harness-setup: cannot create the mount point /etc/hostname") {
		t.Fatalf("want the setup script's reason, got %v", err)
	}
}

func TestWaitForOutputGivesUpWhenTheContainerExits(t *testing.T) {
	t.Parallel()
	harness.Require(t)
	requireBusybox(t)
	in, err := harness.Launch(harness.Options{Argv: sh(`echo something else`)})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	err = in.WaitForOutput("never printed", time.Hour)
	if err == nil || !strings.Contains(err.Error(), "exited first") {
		t.Errorf("want an early error once the container exited, got %v", err)
	}
	if err := in.Signal(syscall.SIGTERM); err == nil {
		t.Error("signalling an exited container should fail")
	}
	if _, err := in.Exec(context.Background(), "true"); err == nil {
		t.Error("exec into an exited container should fail")
	}
}

func TestLiveOutputCopy(t *testing.T) {
	t.Parallel()
	harness.Require(t)
	requireBusybox(t)
	pr, pw := io.Pipe()
	defer pr.Close()
	in, err := harness.Launch(harness.Options{Argv: sh(`echo live; exec sleep 1000`), Stdout: pw})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	buf := make([]byte, len("live\n"))
	if _, err := io.ReadFull(pr, buf); err != nil || string(buf) != "live\n" {
		t.Errorf("live copy: %q, %v", buf, err)
	}
}
