package logfwd

import (
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// subscribers fans live lines out to followers (`appstart logs -f`). The
// writers never block on them: a follower whose buffer is full misses lines
// rather than stalling a program's output.
type subscribers struct {
	active atomic.Int32 // fast path: most of the time nobody follows
	mu     sync.Mutex
	subs   map[*subscriber]struct{}
}

type subscriber struct {
	name string // "" = every source
	ch   chan Line
}

// Subscribe returns the lines written from now on by the sources called name
// ("" for all), and a cancel func that ends the subscription and closes the
// channel. With Recent taken first, a follower sees the backlog then the
// live lines; a line written between the two calls may appear in both.
//
//	lines, cancel := sink.Subscribe("web", 256)
//	defer cancel()
//	for l := range lines { fmt.Println(l.Text) }
func (s *Sink) Subscribe(name string, buf int) (<-chan Line, func()) {
	sub := &subscriber{name: name, ch: make(chan Line, buf)}
	s.subs.mu.Lock()
	if s.subs.subs == nil {
		s.subs.subs = make(map[*subscriber]struct{})
	}
	s.subs.subs[sub] = struct{}{}
	s.subs.active.Add(1)
	s.subs.mu.Unlock()
	var once sync.Once
	return sub.ch, func() {
		once.Do(func() {
			s.subs.mu.Lock()
			delete(s.subs.subs, sub)
			s.subs.active.Add(-1)
			close(sub.ch)
			s.subs.mu.Unlock()
		})
	}
}

// publish sends one line, from the write of mark m, to the interested
// followers without blocking.
func (s *Sink) publish(name, text string, m mark) {
	s.subs.mu.Lock()
	defer s.subs.mu.Unlock()
	for sub := range s.subs.subs {
		if sub.name != "" && sub.name != name {
			continue
		}
		select {
		case sub.ch <- Line{Name: name, Text: text, Time: time.Unix(0, m.t), Seq: m.seq}:
		default: // a slow follower misses the line
		}
	}
}

// Names lists the sources that have written lines, sorted.
func (s *Sink) Names() []string {
	s.recentMu.Lock()
	defer s.recentMu.Unlock()
	names := make([]string, 0, len(s.recent))
	for n := range s.recent {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
