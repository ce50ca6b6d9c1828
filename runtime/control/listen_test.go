package control

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestListenModes(t *testing.T) {
	t.Parallel()
	srv, path := serve(t, newFake(), Options{})
	if srv.Path() != path {
		t.Errorf("Path() = %q", srv.Path())
	}
	for p, want := range map[string]os.FileMode{path: os.ModeSocket | 0o600, filepath.Dir(path): os.ModeDir | 0o700} {
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode(), want)
		}
	}
}

func TestCloseRemovesSocket(t *testing.T) {
	t.Parallel()
	path := filepath.Join(shortDir(t), "c.sock")
	srv, err := Listen(path, newFake())
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket still there after Close: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	// Serve after Close returns at once.
	if err := srv.Serve(context.Background()); err != nil {
		t.Errorf("Serve after Close: %v", err)
	}
	// And a client now hears that appstart is gone.
	if _, err := Dial(path); !errors.Is(err, ErrNotRunning) {
		t.Errorf("Dial after Close: %v", err)
	}
}

// Close and RemoveSocket remove only the socket they bound: one that a
// successor bound at the same path after a crash stays.
func TestRemovalLeavesASuccessorsSocket(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		remove func(*Server) error
	}{{"Close", (*Server).Close}, {"RemoveSocket", (*Server).RemoveSocket}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(shortDir(t), "c.sock")
			srv, err := Listen(path, newFake())
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			os.Remove(path)
			other, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			if err := c.remove(srv); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Lstat(path); err != nil {
				t.Errorf("%s removed a socket that was not its own: %v", c.name, err)
			}
		})
	}
}

func TestListenReplacesStaleSocket(t *testing.T) {
	t.Parallel()
	path := filepath.Join(shortDir(t), "run", "control.sock")
	os.MkdirAll(filepath.Dir(path), 0o700)
	// A socket file nobody listens on, as a killed appstart leaves it.
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	if _, err := Dial(path); err != nil {
		t.Fatalf("Dial finds the file: %v", err)
	}
	c, _ := Dial(path)
	if _, err := c.Status(testCtx(t)); !errors.Is(err, ErrNotRunning) || !strings.Contains(err.Error(), "stale socket at "+path) {
		t.Errorf("status against a stale socket: %v", err)
	}

	f := newFake()
	srv, err := Listen(path, f)
	if err != nil {
		t.Fatalf("Listen over a stale socket: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	defer func() { cancel(); <-done }()
	if _, err := c.Status(testCtx(t)); err != nil {
		t.Errorf("status once replaced: %v", err)
	}
}

func TestListenRefusesLiveSocket(t *testing.T) {
	t.Parallel()
	f := newFake()
	_, path := serve(t, f, Options{})
	_, err := Listen(path, newFake())
	var re *RunningError
	if !errors.As(err, &re) || re.Pid != os.Getpid() {
		t.Fatalf("second Listen: %v, want a RunningError with pid %d", err, os.Getpid())
	}
	if want := "another appstart is running: pid "; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q", err)
	}
	// The first one is untouched and still answers.
	c, _ := Dial(path)
	if _, err := c.Status(testCtx(t)); err != nil {
		t.Errorf("first server after the refused Listen: %v", err)
	}
}

func TestListenLeavesOtherFilesAlone(t *testing.T) {
	t.Parallel()
	path := filepath.Join(shortDir(t), "control.sock")
	if err := os.WriteFile(path, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Listen(path, newFake())
	if err == nil || !strings.Contains(err.Error(), "a regular file is in the way") {
		t.Errorf("Listen over a regular file: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "precious" {
		t.Errorf("file changed to %q", b)
	}
}

func TestListenPathTooLong(t *testing.T) {
	t.Parallel()
	path := "/run/" + strings.Repeat("d", 120) + "/c.sock"
	if _, err := Listen(path, newFake()); err == nil || !strings.Contains(err.Error(), "a unix socket allows 107") {
		t.Errorf("got %v", err)
	}
}

func TestCloseEndsBlockedRequests(t *testing.T) {
	t.Parallel()
	f := newFake()
	fl := serveFollowed(t, f)
	srv, done, sub := fl.srv, fl.done, fl.sub
	if err := within(t, "Close with a follower connected", srv.Close); err != nil {
		t.Error(err)
	}
	waitDone(t, sub.ctx, "after Close")
	select {
	case err := <-done:
		if err != nil && !strings.Contains(err.Error(), "closed the control connection") {
			t.Errorf("follower after Close: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("follower did not end 10s after Close")
	}
}

// RemoveSocket takes the socket away at once, a follower still connected
// and its handler still running: a client now hears that appstart is gone,
// and a Close after it still ends the server.
func TestRemoveSocketDoesNotWaitForTheServer(t *testing.T) {
	t.Parallel()
	f := newFake()
	fl := serveFollowed(t, f)
	srv, path, done, sub := fl.srv, fl.path, fl.done, fl.sub
	if err := within(t, "RemoveSocket with a follower connected", srv.RemoveSocket); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket still there after RemoveSocket: %v", err)
	}
	if _, err := Dial(path); !errors.Is(err, ErrNotRunning) {
		t.Errorf("Dial after RemoveSocket: %v", err)
	}
	select {
	case <-sub.ctx.Done():
		t.Error("RemoveSocket ended the follower's handler: it should leave that to Close or the exit")
	default:
	}
	if err := srv.Close(); err != nil {
		t.Errorf("Close after RemoveSocket: %v", err)
	}
	waitDone(t, sub.ctx, "after Close")
	<-done
}

// within returns what f returns, failing the test if f has not returned
// 10 s later.
func within(t *testing.T, what string, f func() error) error {
	t.Helper()
	ch := make(chan error, 1)
	go func() { ch <- f() }()
	select {
	case err := <-ch:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: still blocked after 10s", what)
		return nil
	}
}
