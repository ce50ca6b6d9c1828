package supervise

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	container "appstart/runtime/harness"
)

// Docker gives root no CAP_SYS_PTRACE, so reading another user's
// /proc/PID/environ is refused unless the reader's filesystem ids are that
// user's: readFileAs switches them on one thread and back. Here (the test
// may have the capability) it shows that the read as the process's own
// ids works and that root's ids come back afterwards.
func TestReadEnvironAsItsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		container.SkipOrFail(t, "needs root to start a process as another user")
	}
	sleep, err := os.StartProcess("/bin/sleep", []string{"sleep", "100"}, &os.ProcAttr{
		Env: []string{"A=1", MarkerEnv + "=web.3"},
		Sys: &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sleep.Kill()
		sleep.Wait() // a test may wait: it is not PID 1's reaper
	})
	uid, gid, ok := soleIDs("/proc", sleep.Pid)
	if !ok || uid != 65534 || gid != 65534 {
		t.Fatalf("soleIDs = %d, %d, %v", uid, gid, ok)
	}
	path := "/proc/" + strconv.Itoa(sleep.Pid) + "/environ"
	// StartProcess returns once the exec has begun (the close-on-exec pipe
	// closes), a moment before the kernel sets the new environment up:
	// until then environ reads as empty, which a fast machine in CI showed.
	var b []byte
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if b, err = readFileAs(path, uid, gid); err != nil || len(b) > 0 || time.Now().After(deadline) {
			break
		}
	}
	if err != nil || !bytes.Contains(b, []byte(MarkerEnv+"=web.3\x00")) {
		t.Fatalf("readFileAs = %q, %v", b, err)
	}
	if start, ok := markerIn(b, "web"); !ok || start != 3 {
		t.Fatalf("markerIn = %d, %v", start, ok)
	}
	// The way Strays reads: directly, or as the owner when refused (run
	// under `setpriv --bounding-set -sys_ptrace` to see the refusal).
	if _, err := os.ReadFile(path); err != nil {
		t.Logf("a plain read is refused: %v", err)
	}
	if b, err := readEnviron("/proc", sleep.Pid); err != nil || !bytes.Contains(b, []byte(MarkerEnv+"=web.3\x00")) {
		t.Fatalf("readEnviron = %q, %v", b, err)
	}
	// As nobody, a root-only file cannot be opened; as root again it can.
	secret := t.TempDir() + "/secret"
	os.WriteFile(secret, []byte("x"), 0o600)
	if _, err := readFileAs(secret, 65534, 65534); err == nil {
		t.Fatal("readFileAs read a root-only file as nobody: the ids were not switched")
	}
	for range 20 { // whichever thread runs it
		if _, err := os.ReadFile(secret); err != nil {
			t.Fatalf("root cannot read its own file after readFileAs: %v", err)
		}
	}
}
