package supervise

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// noSuchPid is above the kernel's largest pid_max (2^22), so no process has it.
const noSuchPid = 1 << 30

func TestStatAlive(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"77 (apache2) S 1 77 77 0":       true,
		"77 (apache2) R 1 77 77 0":       true,
		"77 (evil) Z (name) S 1 77 77 0": true, // the last ')' counts
		"77 (a) b) Z 1 77 77 0":          false,
		"77 (apache2) X 1 77 77 0":       false,
		"garbage":                        false,
		"77 (x)":                         false,
	}
	for stat, want := range tests {
		if got := statAlive([]byte(stat)); got != want {
			t.Errorf("statAlive(%q) = %v, want %v", stat, got, want)
		}
	}
}

func TestSystemProcessesAlive(t *testing.T) {
	t.Parallel()
	var sp SystemProcesses
	if !sp.Alive(os.Getpid()) {
		t.Error("this process is not alive")
	}
	if sp.Alive(noSuchPid) { // negative control
		t.Error("a pid nobody has is alive")
	}
}

func TestSystemProcessesReadPidFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var sp SystemProcesses
	if pid, err := sp.ReadPidFile(write("ok", "1234\n")); pid != 1234 || err != nil {
		t.Errorf("ReadPidFile = %d, %v", pid, err)
	}
	if pid, err := sp.ReadPidFile(write("spaces", "  77  \nextra\n")); pid != 77 || err != nil {
		t.Errorf("ReadPidFile = %d, %v", pid, err)
	}
	for _, bad := range []string{"", "abc\n", "-5\n", "0\n"} {
		if _, err := sp.ReadPidFile(write("bad", bad)); err == nil {
			t.Errorf("ReadPidFile(%q) succeeded", bad)
		}
	}
	if _, err := sp.ReadPidFile(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestSystemSignaler(t *testing.T) {
	t.Parallel()
	var ss SystemSignaler
	if err := ss.Kill(os.Getpid(), 0); err != nil {
		t.Errorf("kill(self, 0): %v", err)
	}
	if err := ss.Kill(noSuchPid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("kill(no such pid, 0) = %v, want ESRCH", err)
	}
}

func TestSystemClockFires(t *testing.T) {
	t.Parallel()
	fired := make(chan struct{})
	SystemClock{}.AfterFunc(time.Millisecond, func() { close(fired) })
	select {
	case <-fired:
	case <-time.After(5 * time.Second):
		t.Fatal("timer did not fire")
	}
	stopped := SystemClock{}.AfterFunc(time.Hour, func() { t.Error("stopped timer fired") })
	if !stopped.Stop() {
		t.Error("Stop reported the timer had already fired")
	}
}
