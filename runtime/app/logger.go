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
	}
	l.printf("%s", e.String())
}
