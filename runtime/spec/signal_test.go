package spec

import (
	"strings"
	"syscall"
	"testing"
)

func TestParseSignal(t *testing.T) {
	for in, want := range map[string]syscall.Signal{
		"TERM": syscall.SIGTERM, "SIGTERM": syscall.SIGTERM, "term": syscall.SIGTERM, "sigterm": syscall.SIGTERM,
		"QUIT": syscall.SIGQUIT, "usr1": syscall.SIGUSR1, "WINCH": syscall.SIGWINCH, "KILL": syscall.SIGKILL,
	} {
		if got, err := ParseSignal(in); err != nil || got != want {
			t.Errorf("ParseSignal(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for in, hint := range map[string]string{"TREM": `"TERM"`, "": `"TERM", "QUIT" or "HUP"`, "SIG": `"TERM", "QUIT"`, "15": `"TERM", "QUIT"`} {
		_, err := ParseSignal(in)
		if err == nil || !strings.Contains(err.Error(), hint) {
			t.Errorf("ParseSignal(%q) = %v, want a hint %s", in, err, hint)
		}
	}
}

func TestConvSignals(t *testing.T) {
	got, iss := convSignals([]any{"HUP", "usr2"})
	if iss != nil || len(got.([]syscall.Signal)) != 2 || got.([]syscall.Signal)[1] != syscall.SIGUSR2 {
		t.Errorf("convSignals = %v, %v", got, iss)
	}
	if got, iss := convSignals([]any{}); iss != nil || got.([]syscall.Signal) == nil {
		t.Errorf("forward = [] must mean forward nothing (an empty, non-nil list), got %#v %v", got, iss)
	}
	_, iss = convSignals([]any{"TERM", "INT", "KILL", "STOP", "CHLD", "URG", "HUP", "HUP"})
	if len(iss) != 7 {
		t.Errorf("want 7 problems (6 unforwardable, 1 repeated), got %v", iss)
	}
	for i, want := range []int{1, 2, 3, 4, 5, 6, 8} {
		if i < len(iss) && iss[i].elem != want {
			t.Errorf("problem %d points at element %d, want %d", i, iss[i].elem, want)
		}
	}
}
