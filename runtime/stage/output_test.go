package stage

import (
	"context"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/environ"
	"appstart/runtime/proc"
)

func TestCaptureKeepsLastLinesAndCutsLongOnes(t *testing.T) {
	var out syncBuffer
	c, err := newCapture(&out, "x: ", environ.NewMasker("s3cr3t-value"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := 1; i <= 25; i++ {
		b.WriteString("line " + strconv.Itoa(i) + "\r\n")
	}
	b.WriteString(strings.Repeat("y", 3<<20+5) + "\n")
	b.WriteString("the s3cr3t-value, no newline")
	written := make(chan struct{})
	go func() {
		c.w.WriteString(b.String()) // returns once the reader took it all
		close(written)
	}()
	<-written
	tail := c.finish()
	if len(tail) != tailLines {
		t.Fatalf("%d lines", len(tail))
	}
	// 25 lines, the long one in 4 pieces (1 MiB each, then 5 bytes), the last:
	// 30 in all, the last 20 kept.
	if tail[0] != "line 11" || tail[14] != "line 25" {
		t.Errorf("tail starts %q, 15th %q", tail[0], tail[14])
	}
	if tail[15] != strings.Repeat("y", maxLine)+"..." || tail[17] != tail[15] || tail[18] != "yyyyy" {
		t.Errorf("long line kept as %d, %d, %q", len(tail[15]), len(tail[17]), tail[18])
	}
	if tail[19] != "the ****, no newline" {
		t.Errorf("last %q", tail[19])
	}
	if !strings.Contains(out.String(), "x: line 1\n") || strings.Contains(out.String(), "\r") {
		t.Errorf("stream: %q", out.String()[:40])
	}
}

// A command that leaves a daemon holding its stdout must not hang the
// start: the capture stops reading after its grace.
func TestCaptureDoesNotWaitForDaemons(t *testing.T) {
	r := testReaper(t)
	c, err := newCapture(nil, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.grace = 50 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	exit, err := r.Run(ctx, proc.Cmd{Path: "/bin/sh", Args: []string{"sh", "-c", "sleep 60 & echo $!"}, Stdout: c.w, Stderr: c.w})
	if err != nil || exit.Code != 0 {
		t.Fatal(exit, err)
	}
	done := make(chan []string)
	go func() { done <- c.finish() }()
	var tail []string
	select {
	case tail = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("finish waited for the daemon")
	}
	if len(tail) != 1 {
		t.Fatalf("tail %q", tail)
	}
	pid, _ := strconv.Atoi(tail[0])
	// Control: the daemon was still alive, holding the pipe.
	if err := syscall.Kill(pid, 0); err != nil {
		t.Errorf("daemon %d already gone (%v): the test proves nothing", pid, err)
	}
	syscall.Kill(pid, syscall.SIGKILL)
}
