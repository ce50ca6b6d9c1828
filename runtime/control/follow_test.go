package control

import (
	"context"
	"errors"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"
)

func nextSub(t *testing.T, f *fakeBackend) *fakeSub {
	t.Helper()
	select {
	case s := <-f.subs:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("no Follow reached the backend within 10s")
		return nil
	}
}

func waitDone(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: backend context still live after 10s", what)
	}
}

// follow runs Client.Follow in the background, handing lines to a channel.
// followed is a server with one `logs -f` client of every program
// connected, its handler waiting in the backend (sub): the client's lines
// and its end.
type followed struct {
	srv   *Server
	path  string
	sub   *fakeSub
	lines <-chan LogLine
	done  <-chan error
}

func serveFollowed(t *testing.T, f *fakeBackend) followed {
	t.Helper()
	srv, path := serve(t, f, Options{})
	c, _ := Dial(path)
	lines, done := follow(c, testCtx(t), "", 0)
	return followed{srv: srv, path: path, sub: nextSub(t, f), lines: lines, done: done}
}

func follow(c *Client, ctx context.Context, name string, n int) (<-chan LogLine, <-chan error) {
	lines := make(chan LogLine, 1024)
	done := make(chan error, 1)
	go func() {
		done <- c.Follow(ctx, name, n, func(l LogLine) error {
			lines <- l
			return nil
		})
	}()
	return lines, done
}

func recv(t *testing.T, lines <-chan LogLine, n int) []LogLine {
	t.Helper()
	var got []LogLine
	for len(got) < n {
		select {
		case l := <-lines:
			got = append(got, l)
		case <-time.After(10 * time.Second):
			t.Fatalf("got %d lines within 10s, want %d: %v", len(got), n, got)
		}
	}
	return got
}

func TestFollowStreamsNewLinesUntilCancel(t *testing.T) {
	t.Parallel()
	f := newFake()
	f.logs = []LogLine{{Name: "web", Text: "old 1"}, {Name: "db", Text: "db line"}, {Name: "web", Text: "old 2"}, {Name: "web", Text: "old 3"}}
	_, path := serve(t, f, Options{})
	c, _ := Dial(path)
	ctx, cancel := context.WithCancel(testCtx(t))
	lines, done := follow(c, ctx, "web", 2)

	sub := nextSub(t, f)
	if sub.name != "web" || sub.n != 2 {
		t.Errorf("backend got Follow(%q, %d)", sub.name, sub.n)
	}
	if got, want := recv(t, lines, 2), []LogLine{{Name: "web", Text: "old 2"}, {Name: "web", Text: "old 3"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("backlog = %v, want %v", got, want)
	}
	// Lines written after the request arrive, in order.
	var want []LogLine
	for _, s := range []string{"new 1", "new 2", "new 3"} {
		l := LogLine{Name: "web", Text: s}
		want = append(want, l)
		sub.ch <- l
	}
	if got := recv(t, lines, 3); !reflect.DeepEqual(got, want) {
		t.Errorf("live lines = %v, want %v", got, want)
	}
	// Ctrl-C: the client returns, and the server lets go of the backend.
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Follow after cancel = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Follow did not return 10s after cancel")
	}
	waitDone(t, sub.ctx, "after the client hung up")
}

func TestFollowEndsWhenAppstartStops(t *testing.T) {
	t.Parallel()
	f := newFake()
	fl := serveFollowed(t, f)
	lines, done, sub := fl.lines, fl.done, fl.sub
	sub.ch <- LogLine{Name: "web", Text: "last words"}
	close(sub.ch) // the backend's stream ends: appstart is stopping
	if got := recv(t, lines, 1); got[0].Text != "last words" {
		t.Errorf("got %v", got)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Follow at the end of the stream = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Follow did not return 10s after the stream ended")
	}
}

func TestFollowUnknownProgram(t *testing.T) {
	t.Parallel()
	_, path := serve(t, newFake(), Options{})
	c, _ := Dial(path)
	err := c.Follow(testCtx(t), "nope", 10, func(LogLine) error { return nil })
	if err == nil || err.Error() != "no program called nope" {
		t.Errorf("got %v", err)
	}
}

func TestFollowLongBacklogIsBatched(t *testing.T) {
	t.Parallel()
	f := newFake()
	for i := range 3*backlogBatch + 7 {
		f.logs = append(f.logs, LogLine{Name: "web", Text: strings.Repeat("x", i%50)})
	}
	_, path := serve(t, f, Options{})
	c, _ := Dial(path)
	lines, _ := follow(c, testCtx(t), "web", len(f.logs))
	nextSub(t, f)
	if got := recv(t, lines, len(f.logs)); !reflect.DeepEqual(got, f.logs) {
		t.Errorf("backlog of %d lines came back different", len(f.logs))
	}
}

// A follower that stops reading cannot pin the server: once a write has
// waited WriteTimeout, the server drops it and lets go of the backend.
func TestFollowerThatDoesNotReadIsDropped(t *testing.T) {
	t.Parallel()
	f := newFake()
	_, path := serve(t, f, Options{WriteTimeout: 50 * time.Millisecond})
	conn, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(`{"v":1,"op":"logs","follow":true}` + "\n")); err != nil {
		t.Fatal(err)
	}
	sub := nextSub(t, f)
	big := LogLine{Name: "web", Text: strings.Repeat("y", 8<<10)}
	deadline := time.After(10 * time.Second)
	for {
		select {
		case sub.ch <- big:
		case <-sub.ctx.Done():
			return // dropped
		case <-deadline:
			t.Fatal("server still holds a follower that has not read for 10s")
		}
	}
}
