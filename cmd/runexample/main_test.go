package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"appstart/runtime/harness"
	"appstart/runtime/harness/skip"
)

// `make run-example` as a person runs it, on a terminal: the URL is printed
// once the app answers, and a Ctrl-C typed at the terminal stops the app and
// leaves make with exit 0 (issue 16: make said "Interrupt" and exited 130,
// because the terminal's SIGINT reached make as well). The example is a
// stand-in on a free port, so that no fixed port is shared with anyone.
// RUNEXAMPLE_BIN tests another runexample binary (the old one, to see this
// fail).
func TestMakeRunExampleCtrlCExitsZero(t *testing.T) {
	skip.Root(t, "the harness container needs root")
	harness.Require(t)
	makeBin := harness.RequireCommands(t, "make", "python3")[0]
	runex := os.Getenv("RUNEXAMPLE_BIN")
	if runex == "" {
		var err error
		if runex, err = harness.BuildStatic("appstart/cmd/runexample", "runexample-test"); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	dir := t.TempDir()
	ex := filepath.Join(dir, "example")
	files := map[string]string{
		"example/CloudronManifest.json": fmt.Sprintf(`{"id": "io.appstart.test", "httpPort": %d}`, port),
		"example/appstart.toml": fmt.Sprintf(`user = "root"
[programs.web]
command = ["python3", "-m", "http.server", "%d", "--bind", "127.0.0.1"]
`, port),
		"Makefile": fmt.Sprintf("run-example:\n\t%s -bin %s %s\n", runex, harness.Binary(t), ex),
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(makeBin, "-s", "-C", dir, "run-example")
	cmd.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=dumb"}
	tty, err := pty.Start(cmd)
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
	text := func() string {
		mu.Lock()
		defer mu.Unlock()
		return out.String()
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the example never answered on %s:\n%s", addr, text())
		}
	}
	url := fmt.Sprintf("runexample: serving http://%s/", addr)
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(text(), url); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Errorf("no %q on the terminal once the app answers:\n%s", url, text())
			break
		}
	}
	if _, err := tty.Write([]byte{3}); err != nil { // Ctrl-C
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("make run-example ended with %v after a clean Ctrl-C, want exit 0:\n%s", err, text())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("make run-example did not end after Ctrl-C:\n%s", text())
	}
	if !strings.Contains(text(), "PID 1 exited with 0") {
		t.Errorf("appstart did not exit 0:\n%s", text())
	}
}
