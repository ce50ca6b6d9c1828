package control

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The test binary doubles as the client or lock holder a test needs in
// another process (another uid, or a process to kill).
const (
	childModeEnv = "APPSTART_CONTROL_CHILD"
	childArgEnv  = "APPSTART_CONTROL_ARG"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(childModeEnv); mode != "" {
		os.Exit(child(mode, os.Getenv(childArgEnv)))
	}
	os.Exit(m.Run())
}

func child(mode, arg string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	switch mode {
	case "status":
		c, err := Dial(arg)
		if err == nil {
			_, err = c.Status(ctx)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println("ok")
		return 0
	case "lock":
		// Takes the lock and never releases it: the process's end must.
		_, pid, err := Lock(arg)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%v (holder %d)\n", err, pid)
			return 1
		}
		fmt.Println("locked")
		io.Copy(io.Discard, os.Stdin)
		return 0
	}
	fmt.Fprintf(os.Stderr, "unknown child mode %q\n", mode)
	return 2
}

// shortDir is a fresh directory with a short path: a socket path must fit
// in 107 bytes, which t.TempDir's long names can exceed.
func shortDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "ctl")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// worldBinary copies the test binary where any user may run it (go test's
// build directory is 0700), for children that drop to nobody.
func worldBinary(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := shortDir(t)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	bin := filepath.Join(dir, "control.test")
	dst, err := os.OpenFile(bin, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return bin
}
