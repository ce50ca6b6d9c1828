package harness

import (
	"bytes"
	"io"
	"strings"
	"sync"
)

// stream captures one output stream of a container. Every write wakes the
// waiters, so waiting for a line needs no polling and no sleeps.
//
// Example:
//
//	s := newStream(nil)
//	text, changed := s.snapshot()   // "", a channel closed by the next write
//	s.Write([]byte("ready\n"))      // closes changed
//	text, _ = s.snapshot()          // "ready\n"
type stream struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced by each write
	tee     io.Writer     // optional live copy
}

func newStream(tee io.Writer) *stream {
	return &stream{changed: make(chan struct{}), tee: tee}
}

func (s *stream) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Write(p)
	if s.tee != nil {
		s.tee.Write(p) // a failing live copy must not cost the capture
	}
	close(s.changed)
	s.changed = make(chan struct{})
	return len(p), nil
}

// snapshot returns the text so far and a channel closed by the next write.
func (s *stream) snapshot() (string, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String(), s.changed
}

func (s *stream) String() string {
	text, _ := s.snapshot()
	return text
}

// containsAny reports whether substr is in any of the texts.
func containsAny(substr string, texts ...string) bool {
	for _, t := range texts {
		if strings.Contains(t, substr) {
			return true
		}
	}
	return false
}
