package app

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"appstart/runtime/logfwd"
	"appstart/runtime/stage"
	"appstart/runtime/supervise"
	"appstart/runtime/sysx"
)

// logger writes appstart's own messages: one line each, "appstart: " first,
// on stderr.
type logger struct {
	mu    sync.Mutex
	w     io.Writer
	debug bool
	// repeatedStop: a storm of SIGTERMs during a stop is said once, not
	// once a signal (events arrive on the event log's one goroutine).
	repeatedStop bool
	// sink keeps every message in the log timeline too, as "appstart",
	// so `appstart logs` shows restarts among the programs' lines; nil
	// until the sink exists.
	sink *logfwd.Sink
	// lastOutput returns a program's last lines, for its giving-up
	// message; nil leaves them out.
	lastOutput func(program string) []string
	// tty: w is a terminal, where a long stage's progress is one line
	// rewritten in place (live: it is on screen, without its newline).
	tty, live bool
}

// progress says how a long stage is going (stage.Env.Report): on a
// terminal a live counter rewritten in place, elsewhere a line each time.
//
//	appstart: chown: 51,200 entries in 1.2s (42,667/s)
//	appstart: chown: done, 100,101 entries in 2.3s (43,522/s)
func (l *logger) progress(p stage.StageProgress) {
	text := progressText(p)
	if l.tty && !p.Final {
		l.mu.Lock()
		defer l.mu.Unlock()
		fmt.Fprintf(l.w, "\r\x1b[Kappstart: %s", text)
		l.live = true
		return
	}
	l.printf("%s", text)
}

func progressText(p stage.StageProgress) string {
	el := fmt.Sprintf("%.1fs", p.Elapsed.Seconds())
	switch {
	case p.Done > 0 && p.Final:
		return fmt.Sprintf("%s: done, %s entries in %s (%s/s)", p.Stage, thousands(p.Done), el, thousands(int64(p.Rate())))
	case p.Done > 0:
		return fmt.Sprintf("%s: %s entries in %s (%s/s)", p.Stage, thousands(p.Done), el, thousands(int64(p.Rate())))
	case p.Final:
		return fmt.Sprintf("%s: done after %s", p.Stage, el)
	}
	return fmt.Sprintf("%s: still running after %s", p.Stage, el)
}

// thousands writes n with commas: 100101 -> "100,101".
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// keepIn makes every message from now on also a line of s's timeline, and
// giving-up messages carry the program's last lines from last.
func (l *logger) keepIn(s *logfwd.Sink, last func(program string) []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sink, l.lastOutput = s, last
}

func newLogger(w io.Writer) *logger {
	return &logger{w: w, debug: os.Getenv("APPSTART_DEBUG") != "", tty: sysx.IsTerminal(w)}
}

func (l *logger) printf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.live { // the live counter's line is taken over, then ended
		fmt.Fprint(l.w, "\r\x1b[K")
		l.live = false
	}
	fmt.Fprintf(l.w, "appstart: %s\n", msg)
	if l.sink != nil {
		l.sink.Record(selfName, msg)
	}
}

func (l *logger) event(e supervise.Event) {
	switch e.Kind {
	case supervise.EventRunning, supervise.EventCheck, supervise.EventSignalForwarded:
		if !l.debug {
			return
		}
	case supervise.EventShutdownRepeated:
		if l.repeatedStop && !l.debug {
			return
		}
		l.repeatedStop = true
	}
	msg := e.String()
	if e.Kind == supervise.EventFatal {
		// As a failing on_start does: the reason is usually in the last lines.
		l.mu.Lock()
		last := l.lastOutput
		l.mu.Unlock()
		if last != nil {
			if tail := last(e.Program); len(tail) > 0 {
				msg += "; last output:\n    " + strings.Join(tail, "\n    ")
			}
		}
	}
	l.printf("%s", msg)
}

// progressAfter is how long a stage runs before its progress is shown:
// APPSTART_PROGRESS (a duration) when set, else a second.
func progressAfter(env []string) time.Duration {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "APPSTART_PROGRESS="); ok {
			if d, err := time.ParseDuration(v); err == nil && d > 0 {
				return d
			}
		}
	}
	return stage.DefaultReportAfter
}

// progressEvery: a live counter moves often; lines in a log come every
// few seconds.
func progressEvery(tty bool) time.Duration {
	if tty {
		return 100 * time.Millisecond
	}
	return stage.DefaultReportEvery
}
