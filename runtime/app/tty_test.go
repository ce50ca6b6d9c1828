package app_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"appstart/runtime/control"
	"appstart/runtime/harness"
	"appstart/runtime/harness/skip"
)

// A debug session: `appstart run` started by hand from a shell with a TTY
// (not PID 1). Ctrl-C typed at the terminal sends SIGINT to the foreground
// process group, which is appstart's alone (each program has its own group);
// appstart stops every program in order and returns the shell with exit 0.
// The value set by --env-file reaches the program.
func TestCtrlCFromATerminal(t *testing.T) {
	skip.Root(t, "appstart run takes its run lock in /run/appstart, here on the host")
	dir := t.TempDir()
	spec := `user = "root"
[programs.a]
command = "trap 'echo a stopped; exit 0' TERM; echo a sees $GREETING; while :; do sleep 0.05; done"
[programs.b]
command = "trap 'echo b stopped; exit 0' TERM; echo b up; while :; do sleep 0.05; done"
after = ["a"]
`
	if err := os.WriteFile(filepath.Join(dir, "appstart.toml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "local.env"), []byte("# local values\nGREETING=hello from the env file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	leaveHostAsFound(t, filepath.Join(dir, "appstart.toml"))
	cmd := exec.Command(harness.Binary(t), "run", "--config", filepath.Join(dir, "appstart.toml"), "--env-file", filepath.Join(dir, "local.env"))
	cmd.Env = []string{"PATH=/usr/bin:/bin", "TERM=dumb"}
	tty, err := pty.Start(cmd) // a new session whose controlling terminal is tty
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	var mu sync.Mutex
	var out bytes.Buffer
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			mu.Lock()
			out.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	waitFor := func(s string) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			mu.Lock()
			ok := strings.Contains(out.String(), s)
			mu.Unlock()
			if ok {
				return
			}
			if time.Now().After(deadline) {
				mu.Lock()
				defer mu.Unlock()
				t.Fatalf("no %q on the terminal:\n%s", s, out.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("b | b up")
	waitFor("a | a sees hello from the env file")
	if _, err := tty.Write([]byte{3}); err != nil { // Ctrl-C
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			mu.Lock()
			defer mu.Unlock()
			t.Fatalf("appstart ended with %v after Ctrl-C:\n%s", err, out.String())
		}
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		t.Fatal("appstart did not stop after Ctrl-C")
	}
	waitFor("appstart: exiting 0: stopped by SIGINT")
	mu.Lock()
	text := out.String()
	mu.Unlock()
	if b, a := strings.Index(text, "b stopped"), strings.Index(text, "a stopped"); b < 0 || a < 0 {
		t.Fatalf("programs did not get their stop signal:\n%s", text)
	}
}

// leaveHostAsFound removes, once the test is over, what its `appstart run`
// on the host (outside any container) leaves there: the run lock of
// specPath, and /app/data, /app and /run/appstart where they did not exist
// before. Each CI run left all of them on its machine.
func leaveHostAsFound(t *testing.T, specPath string) {
	h := harness.NewHostTraces("/app", "/app/data", control.DefaultDir)
	h.Made(control.LockPath(control.DefaultDir, specPath))
	t.Cleanup(func() {
		if err := h.Clean(); err != nil {
			t.Error(err)
		}
	})
}
