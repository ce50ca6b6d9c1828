package harness

import (
	"bytes"
	"testing"
)

func TestStreamWakesWaitersOnEveryWrite(t *testing.T) {
	t.Parallel()
	var tee bytes.Buffer
	s := newStream(&tee)
	text, changed := s.snapshot()
	if text != "" {
		t.Fatalf("fresh stream holds %q", text)
	}
	select {
	case <-changed:
		t.Fatal("changed before any write")
	default:
	}
	s.Write([]byte("ready\n"))
	select {
	case <-changed:
	default:
		t.Fatal("a write did not wake the waiter")
	}
	if text, _ := s.snapshot(); text != "ready\n" || tee.String() != "ready\n" {
		t.Errorf("capture %q, live copy %q", text, tee.String())
	}
}
