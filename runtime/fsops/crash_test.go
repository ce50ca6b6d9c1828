package fsops

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// startHelper runs the test binary in role with args and returns once it
// printed "ready" (the barrier), or fails the test after a deadline.
// Killing and waiting is the test's business: this package never reaps
// in production code, and these helpers are its own children.
func startHelper(t *testing.T, role string, args ...string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), helperEnv+"="+role)
	cmd.Stdout, cmd.Stderr = w, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { r.Close() })
	if err := r.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(r)
	if line, err := br.ReadString('\n'); err != nil || line != "ready\n" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("helper %s did not get ready: %q, %v", role, line, err)
	}
	return cmd, br
}

func killHelper(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // "signal: killed" is the expected outcome
}

// TestWriteFileAtomicCrash kills a writer that alternates between two
// versions of a file with SIGKILL at 200 random instants, and checks that
// the file is always exactly one version, never empty, short or mixed.
// (20 in -short mode.) The negative control runs the same harness on a truncate-and-write
// writer and must catch it leaving a broken file.
func TestWriteFileAtomicCrash(t *testing.T) {
	runs := 200
	if testing.Short() {
		runs = 20
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "state")
	seen := map[string]int{}
	for i := range runs {
		cmd, _ := startHelper(t, "atomic", "", p)
		time.Sleep(time.Duration(rand.IntN(4000)) * time.Microsecond) // the kill point, not a wait
		killHelper(t, cmd)
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		switch {
		case bytes.Equal(got, crashContents[0]):
			seen["old"]++
		case bytes.Equal(got, crashContents[1]):
			seen["new"]++
		default:
			t.Fatalf("run %d: file is neither version: %d bytes, starts %q", i, len(got), got[:min(len(got), 20)])
		}
		// Each successful write removes the temps of killed ones, so at
		// most the one of the write in progress at the kill remains.
		temps := countTemps(t, dir)
		if temps > 1 {
			t.Fatalf("run %d: %d temp files pile up", i, temps)
		}
		seen["temp file left"] += temps
	}
	t.Logf("%d SIGKILLs of WriteFileAtomic: %v", runs, seen)
	if seen["old"] == 0 || seen["new"] == 0 {
		t.Errorf("kill points not spread: %v", seen)
	}
	if err := WriteFileAtomic(p, []byte("final"), 0o600, -1, -1); err != nil {
		t.Fatal(err)
	}
	assertOnly(t, dir, "state")

	q := filepath.Join(t.TempDir(), "naive")
	broken := 0
	for i := 0; i < runs && broken == 0; i++ {
		cmd, _ := startHelper(t, "naive", "", q)
		time.Sleep(time.Duration(rand.IntN(4000)) * time.Microsecond)
		killHelper(t, cmd)
		got, err := os.ReadFile(q)
		if err != nil || !(bytes.Equal(got, crashContents[0]) || bytes.Equal(got, crashContents[1])) {
			broken++
			t.Logf("negative control: truncate-and-write left %d bytes after run %d", len(got), i)
		}
	}
	if broken == 0 {
		t.Errorf("negative control: %d kills of a truncate-and-write writer never left a broken file; the harness cannot see a torn write", runs)
	}
}

// countTemps counts the ".name.tmp-*" files in dir.
func countTemps(t *testing.T, dir string) int {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		if _, ok := tempBase(e.Name()); ok {
			n++
		}
	}
	return n
}
