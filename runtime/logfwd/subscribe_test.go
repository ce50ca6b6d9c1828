package logfwd

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// A follower gets the lines written after it subscribed, from the source it
// asked for (prefixed or not); cancel closes its channel.
func TestSubscribeLiveLines(t *testing.T) {
	s := NewSink(&lockedBuffer{}, Options{})
	webLines, cancelWeb := s.Subscribe("web", 16)
	all, cancelAll := s.Subscribe("", 16)
	web, webDone, err := s.Pipe("web", "web | ")
	if err != nil {
		t.Fatal(err)
	}
	db, dbDone, err := s.Pipe("db", "")
	if err != nil {
		t.Fatal(err)
	}
	web.WriteString("one\ntwo\n")
	db.WriteString("alpha\nbe")
	db.WriteString("ta\n")
	web.Close()
	db.Close()
	<-webDone
	<-dbDone
	want := func(ch <-chan Line, lines ...Line) {
		t.Helper()
		got := map[Line]bool{}
		deadline := time.After(5 * time.Second)
		for len(got) < len(lines) {
			select {
			case l := <-ch:
				got[Line{Name: l.Name, Text: l.Text}] = true // Time and Seq are Timeline's test
			case <-deadline:
				t.Fatalf("got %v, want %v", got, lines)
			}
		}
		for _, l := range lines {
			if !got[l] {
				t.Fatalf("missing %v in %v", l, got)
			}
		}
	}
	want(webLines, Line{Name: "web", Text: "one"}, Line{Name: "web", Text: "two"})
	want(all, Line{Name: "web", Text: "one"}, Line{Name: "web", Text: "two"}, Line{Name: "db", Text: "alpha"}, Line{Name: "db", Text: "beta"})
	select {
	case l := <-webLines:
		t.Fatalf("web follower got %v from another source", l)
	default:
	}
	cancelWeb()
	cancelAll()
	if _, open := <-webLines; open {
		t.Fatal("channel still open after cancel")
	}
	if got := s.Names(); len(got) != 2 || got[0] != "db" || got[1] != "web" {
		t.Fatalf("Names = %v", got)
	}
}

// A follower that never reads cannot block a program's output.
func TestSlowFollowerDoesNotBlock(t *testing.T) {
	out := &lockedBuffer{}
	s := NewSink(out, Options{})
	_, cancel := s.Subscribe("", 1)
	defer cancel()
	w, done, err := s.Pipe("web", "web | ")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1000; i++ {
		w.WriteString("line\n")
	}
	w.Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the pipe reader blocked on a follower that does not read")
	}
	out.mu.Lock()
	n := bytes.Count(out.b.Bytes(), []byte("web | line\n"))
	out.mu.Unlock()
	if n != 1000 {
		t.Fatalf("%d lines reached the output, want 1000", n)
	}
}
