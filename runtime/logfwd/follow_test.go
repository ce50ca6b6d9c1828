package logfwd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func appendLines(t *testing.T, f *os.File, from, to int) {
	t.Helper()
	var b strings.Builder
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, "line-%04d\n", i)
	}
	if _, err := f.WriteString(b.String()); err != nil {
		t.Fatal(err)
	}
}

func openAppend(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func startFollow(t *testing.T, path string, fromStart bool) (*syncBuffer, func()) {
	t.Helper()
	dst := &syncBuffer{}
	s := NewSink(dst, Options{FollowInterval: 2 * time.Millisecond, FollowFromStart: fromStart})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	fl, err := s.StartFollow(path, "apache", "apache | ")
	if err != nil {
		t.Fatal(err)
	}
	go func() { done <- fl.Run(ctx) }()
	stop := func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	return dst, stop
}

// seen waits until the output holds line-from .. line-(to-1).
func seen(t *testing.T, dst *syncBuffer, to int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("line-%04d", to-1), func() bool {
		return strings.Contains(dst.String(), fmt.Sprintf("apache | line-%04d\n", to-1))
	})
}

// exactly checks that the output is lines 0..n-1, each once, in order.
func exactly(t *testing.T, out string, n int) {
	t.Helper()
	got := lines(out)
	if len(got) != n {
		t.Fatalf("%d lines, want %d:\n%s", len(got), n, out)
	}
	for i, l := range got {
		if want := fmt.Sprintf("apache | line-%04d", i); l != want {
			t.Fatalf("line %d = %q, want %q", i, l, want)
		}
	}
}

// TestFollowSurvivesRotationAndTruncation: the file appears (maybe before,
// maybe after Follow's first look: FollowFromStart makes both read it from
// the start); is rotated by rename while the writer still appends to the old
// file; a new file takes its place; then it is truncated (copytruncate).
// No line may be lost or doubled.
func TestFollowSurvivesRotationAndTruncation(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "error.log")
	dst, stop := startFollow(t, path, true)

	old := openAppend(t, path)
	appendLines(t, old, 0, 100)
	seen(t, dst, 100)

	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	appendLines(t, old, 100, 150) // the server has not reopened yet
	cur := openAppend(t, path)
	appendLines(t, cur, 150, 250)
	seen(t, dst, 250)

	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	appendLines(t, cur, 250, 260) // smaller than before: detectable
	seen(t, dst, 260)

	appendLines(t, cur, 260, 270)
	stop() // forwards what is left before returning
	exactly(t, dst.String(), 270)
}

func TestFollowStartsAtTheEndOfAnExistingFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "access.log")
	f := openAppend(t, path)
	fmt.Fprint(f, "from an earlier run\n")
	dst, stop := startFollow(t, path, false)
	// Barrier: append a line until the follower shows it.
	waitFor(t, "the follower to open the file", func() bool {
		appendLines(t, f, 0, 1)
		return strings.Contains(dst.String(), "line-0000")
	})
	stop()
	if strings.Contains(dst.String(), "earlier run") {
		t.Fatalf("replayed old content: %q", dst.String())
	}
}

// TestStartFollowKeepsLinesWrittenBeforeRun: the starting point is taken
// by StartFollow, so what a program writes between it and Run (it starts
// in between) is forwarded, and only the earlier content is skipped.
func TestStartFollowKeepsLinesWrittenBeforeRun(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "error.log")
	f := openAppend(t, path)
	fmt.Fprint(f, "from an earlier run\n")
	dst := &syncBuffer{}
	s := NewSink(dst, Options{FollowInterval: 2 * time.Millisecond})
	fl, err := s.StartFollow(path, "apache", "apache | ")
	if err != nil {
		t.Fatal(err)
	}
	appendLines(t, f, 0, 3) // the program, started after StartFollow
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- fl.Run(ctx) }()
	seen(t, dst, 3)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	exactly(t, dst.String(), 3)
}
