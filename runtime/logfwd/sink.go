package logfwd

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults for Options fields left zero.
const (
	DefaultMaxLine        = 64 << 10
	DefaultRecentBytes    = 16 << 10
	DefaultFollowInterval = 250 * time.Millisecond
	// DefaultFormat is the prefix format: "{name}" is replaced by the
	// program's name ("web | ", "web.2 | ").
	DefaultFormat = "{name} | "
)

// Options configure a Sink; the zero value uses the defaults.
type Options struct {
	// MaxLine is the longest line written whole; longer ones are split.
	MaxLine int
	// RecentBytes is the size of each source name's ring for Recent.
	RecentBytes int
	// FollowInterval is how often Follow polls a file.
	FollowInterval time.Duration
	// FollowFromStart makes Follow read a file that already exists when it
	// starts from its beginning instead of its end.
	FollowFromStart bool
}

// Sink serialises whole lines from many sources to one writer.
type Sink struct {
	opts Options

	mu sync.Mutex // serialises writes to w
	w  io.Writer

	recentMu sync.Mutex
	recent   map[string]*ring
	subs     subscribers
	seq      atomic.Uint64 // the order of every source's writes, for Timeline

	masker atomic.Pointer[maskerBox] // nil: nothing masked

	pipesMu sync.Mutex
	pipes   map[*pipeReader]struct{} // live pipe readers, for Drain
	relay   *relay                   // reads the pipes; nil while there are none
	forcing atomic.Bool              // set by Drain past its deadline
	// wakeups counts the relay's returns from epoll_wait: a write while it
	// lingers must add none (TestLingerIsNotWoken).
	wakeups atomic.Uint64
}

// NewSink returns a Sink writing to w (appstart's stdout or stderr).
//
//	out := logfwd.NewSink(os.Stdout, logfwd.Options{})
//	w, done, err := out.Pipe("web", logfwd.FormatPrefix(logfwd.DefaultFormat, "web"))
func NewSink(w io.Writer, opts Options) *Sink {
	if opts.MaxLine <= 0 {
		opts.MaxLine = DefaultMaxLine
	}
	if opts.RecentBytes <= 0 {
		opts.RecentBytes = DefaultRecentBytes
	}
	if opts.FollowInterval <= 0 {
		opts.FollowInterval = DefaultFollowInterval
	}
	return &Sink{
		opts:   opts,
		w:      w,
		recent: make(map[string]*ring),
		pipes:  make(map[*pipeReader]struct{}),
	}
}

// FormatPrefix expands "{name}" in format.
//
//	FormatPrefix("{name} | ", "web.2") // "web.2 | "
//	FormatPrefix("[{name}] ", "cron")  // "[cron] "
func FormatPrefix(format, name string) string {
	return strings.ReplaceAll(format, "{name}", name)
}

// Write writes p, which should be one or more whole lines, in one piece
// between the sources' lines: the way for appstart's own messages, e.g.
// log.New(sink, "appstart: ", 0). Errors of the destination are returned;
// n is len(p) on success even if masking changed what was written.
func (s *Sink) Write(p []byte) (int, error) {
	out := s.mask(p)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Masker hides secrets in the output (environ.Masker is one). MaskBytes
// gets whole lines and returns them masked, or b itself when nothing is
// to be masked.
type Masker interface {
	MaskBytes(b []byte) []byte
}

type maskerBox struct{ m Masker }

// SetMasker makes every line forwarded from now on, by any source, go
// through m before it reaches the destination, Recent and the followers:
// what stdout shows and what `appstart logs` shows are the same bytes
// (issue 14). appstart sets it once the secrets are known, before the
// programs start; nil stops masking.
func (s *Sink) SetMasker(m Masker) {
	if m == nil {
		s.masker.Store(nil)
		return
	}
	s.masker.Store(&maskerBox{m})
}

func (s *Sink) mask(b []byte) []byte {
	if mb := s.masker.Load(); mb != nil {
		return mb.m.MaskBytes(b)
	}
	return b
}

// maxHold bounds how much one source writes per hold of the mutex, so a
// flood delays others (and appstart's own messages) by at most one such
// write to the destination. Each write to a pipe its reader keeps empty
// costs a wake-up whatever its size; at 32 KiB, two programs writing 4 KiB
// blocks made 3.3 times as many writes as at 128 KiB (perf stat -e
// syscalls:sys_enter_write), while appstart's own message under a flood
// waits no longer (p99 ~370 µs either way, BenchmarkOwnMessageUnderFlood).
const maxHold = 128 << 10

// writeOut is the sources' write: whole lines, at most maxHold bytes per
// hold of the mutex (more only for one line longer than that). A failing
// destination (stdout closed) cannot be helped by the source, and stopping
// to read would block the program on a full pipe, so errors are dropped.
func (s *Sink) writeOut(p []byte) {
	for len(p) > 0 {
		n := len(p)
		if n > maxHold {
			if i := bytes.LastIndexByte(p[:maxHold], '\n'); i >= 0 {
				n = i + 1
			} else if i := bytes.IndexByte(p[maxHold:], '\n'); i >= 0 {
				n = maxHold + i + 1
			}
		}
		s.mu.Lock()
		_, _ = s.w.Write(p[:n])
		s.mu.Unlock()
		p = p[n:]
	}
}

// ringFor returns the ring of name, creating it.
func (s *Sink) ringFor(name string) *ring {
	s.recentMu.Lock()
	defer s.recentMu.Unlock()
	r, ok := s.recent[name]
	if !ok {
		r = newRing(s.opts.RecentBytes)
		r.name, r.sink = name, s
		s.recent[name] = r
	}
	return r
}

// Line is one recent line of a source, without prefix or newline.
type Line struct {
	Name string
	Text string
	// Time is when the write that carried the line was read; Seq orders
	// writes across every source of the Sink (a later write has a larger
	// Seq), so lines of several sources merge in the order they came.
	Time time.Time
	Seq  uint64
}

// Recent returns up to the last n lines written by sources called name,
// oldest first (a line cut by the ring's wrap-around is left out).
//
//	sink.Recent("web", 2) // [{web "GET / 200"} {web "GET /abc 404"}]
func (s *Sink) Recent(name string, n int) []Line {
	s.recentMu.Lock()
	r, ok := s.recent[name]
	s.recentMu.Unlock()
	if !ok || n <= 0 {
		return nil
	}
	texts := r.lastLines(n)
	out := make([]Line, len(texts))
	for i, t := range texts {
		out[i] = Line{Name: name, Text: t}
	}
	return out
}

// Timeline returns up to the last n kept lines of the sources in names
// (every source when names is nil) written at or after since (zero: any
// time), oldest first, in the one order they were written in across
// sources: `appstart logs -n 5` is the last 5 lines in time, whichever
// programs wrote them.
//
//	sink.Timeline(nil, 3, time.Time{})
//	// [{web "GET / 200"} {appstart "worker: exited 1 after 0.3s; ..."} {worker "job 2"}]
func (s *Sink) Timeline(names []string, n int, since time.Time) []Line {
	if n <= 0 {
		return nil
	}
	var min int64
	if !since.IsZero() {
		min = since.UnixNano()
	}
	s.recentMu.Lock()
	rings := make([]*ring, 0, len(s.recent))
	for name, r := range s.recent {
		if names == nil || slices.Contains(names, name) {
			rings = append(rings, r)
		}
	}
	s.recentMu.Unlock()
	var out []Line
	for _, r := range rings {
		for _, e := range r.entries(n, min) {
			out = append(out, Line{Name: r.name, Text: e.text, Time: time.Unix(0, e.t), Seq: e.seq})
		}
	}
	// Stable: the lines of one write share its Seq and keep their order.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out
}

// Record keeps text, one or more lines, as written by the source called
// name, for Recent, Timeline and the followers, without writing it to the
// destination: for appstart's own messages, which go to stderr on their
// own, so that they take their place in `appstart logs` among the
// programs' lines.
//
//	sink.Record("appstart", "web: exited 1 after 0.3s; restart 1/3 in 100ms")
func (s *Sink) Record(name, text string) {
	b := s.mask([]byte(strings.TrimSuffix(text, "\n") + "\n"))
	s.ringFor(name).add(b, false)
}

// Drain waits until every pipe made by Pipe before the call has reached
// EOF. If ctx ends first, it forces the remaining ones: each reads what the
// kernel already holds for it, flushes its partial line and stops; Drain
// then returns an error naming how many were forced. Either way nothing
// written to the pipes before the call is lost.
//
//	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
//	err := sink.Drain(ctx) // after the programs have stopped
func (s *Sink) Drain(ctx context.Context) error {
	s.pipesMu.Lock()
	pending := make([]*pipeReader, 0, len(s.pipes))
	for p := range s.pipes {
		pending = append(pending, p)
	}
	s.pipesMu.Unlock()
	for i, p := range pending {
		select {
		case <-p.done:
			continue
		case <-ctx.Done():
		}
		left := pending[i:]
		s.pipesMu.Lock()
		s.forcing.Store(true)
		for _, p := range left {
			p.forceStop()
		}
		if s.relay != nil {
			s.relay.poke() // out of epoll_wait, to see the forced pipes
		}
		s.pipesMu.Unlock()
		forced := 0
		for _, p := range left {
			<-p.done // promptly: the relay looks at forced pipes every pass
			if p.forced.Load() {
				forced++
			}
		}
		s.forcing.Store(false)
		if forced == 0 {
			return nil
		}
		return fmt.Errorf("cannot drain %d log pipes to EOF (a process still holds them): %w", forced, context.Cause(ctx))
	}
	return nil
}
