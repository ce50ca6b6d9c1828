package control

import (
	"context"
	"net"
	"runtime"
	"testing"
	"time"
)

// Not parallel: it counts the process's goroutines. Parallel tests are
// parked (counted in the baseline, not running) while it runs.
func TestNoGoroutineLeftAfterClose(t *testing.T) {
	before := runtime.NumGoroutine()

	f := newFake()
	path := shortDir(t) + "/c.sock"
	srv, err := ListenOptions(path, f, Options{ReadTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(context.Background()) }()

	c, _ := Dial(path)
	ctx := testCtx(t)
	if _, err := c.Status(ctx); err != nil {
		t.Fatal(err)
	}
	// Left open at Close: a follower, and a client that never sends.
	_, followed := follow(c, ctx, "web", 0)
	nextSub(t, f)
	idle, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	// Barrier: the accept loop takes connections in order, so once this
	// answer arrives the idle connection has a handler waiting on it.
	if _, err := c.Status(ctx); err != nil {
		t.Fatal(err)
	}

	closed := make(chan error, 1)
	go func() { closed <- srv.Close() }()
	for _, ch := range []chan error{closed, served} {
		select {
		case err := <-ch:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Close or Serve still blocked 10s after Close")
		}
	}
	select {
	case <-followed:
	case <-time.After(10 * time.Second):
		t.Fatal("follower did not end after Close")
	}

	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines after Close, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond) // polling under a deadline, not a timed wait
	}
}
