package spec

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// signalNames are the names suggested for a misspelt signal.
var signalNames = []string{"TERM", "INT", "QUIT", "HUP", "USR1", "USR2", "WINCH", "KILL", "ABRT", "ALRM", "CONT", "STOP", "TSTP", "PWR"}

// ParseSignal reads a signal name with or without SIG, in any case:
// "TERM", "SIGTERM" and "term" are all syscall.SIGTERM.
func ParseSignal(s string) (syscall.Signal, error) {
	name := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "SIG")
	if name != "" {
		if sig := unix.SignalNum("SIG" + name); sig != 0 {
			return sig, nil
		}
	}
	return 0, fmt.Errorf("unknown signal %q: write a name such as %s", s, suggestOr(name, signalNames, `"TERM", "QUIT" or "HUP"`))
}

func convSignal(v any) (any, string) {
	s, ok := v.(string)
	if !ok {
		return nil, want(`a signal name such as "TERM"`, v)
	}
	sig, err := ParseSignal(s)
	if err != nil {
		return nil, err.Error()
	}
	return sig, ""
}

// unforwardable are the signals `forward` may not list, and why.
// Built on first use: only a forward list needs it.
var unforwardable = sync.OnceValue(func() map[syscall.Signal]string {
	return map[syscall.Signal]string{
		syscall.SIGTERM: "SIGTERM stops appstart and with it every program in order",
		syscall.SIGINT:  "SIGINT stops appstart and with it every program in order",
		syscall.SIGKILL: "SIGKILL cannot be caught, so appstart never receives it",
		syscall.SIGSTOP: "SIGSTOP cannot be caught, so appstart never receives it",
		syscall.SIGCHLD: "SIGCHLD is the kernel's notice that a child of appstart ended, not a request to pass on",
		syscall.SIGURG:  "SIGURG is used by the Go runtime itself and is never forwarded",
	}
})

func convSignals(v any) (any, []issue) {
	var sigs []syscall.Signal
	_, iss := eachString(v, `signal names such as "HUP"`, func(n string, _ []string) string {
		sig, err := ParseSignal(n)
		switch {
		case err != nil:
			return err.Error()
		case unforwardable()[sig] != "":
			return unforwardable()[sig] + ": remove it"
		case slices.Contains(sigs, sig):
			return fmt.Sprintf("%s is listed twice", n)
		}
		sigs = append(sigs, sig)
		return ""
	})
	if sigs == nil {
		sigs = []syscall.Signal{}
	}
	return sigs, iss
}
