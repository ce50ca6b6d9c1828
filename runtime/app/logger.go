package app

import (
	"fmt"
	"io"
	"os"
	"sync"

	"appstart/runtime/supervise"
)

// logger writes appstart's own messages: one line each, "appstart: " first,
// on stderr.
type logger struct {
	mu    sync.Mutex
	w     io.Writer
	debug bool
	// repeatedStop: a storm of SIGTERMs during a stop is said once, not
	// once a signal (events arrive on the supervisor's goroutine only).
	repeatedStop bool
}

func newLogger(w io.Writer) *logger {
	return &logger{w: w, debug: os.Getenv("APPSTART_DEBUG") != ""}
}

func (l *logger) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "appstart: "+format+"\n", args...)
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
	l.printf("%s", e.String())
}
