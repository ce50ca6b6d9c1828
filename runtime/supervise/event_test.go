package supervise

import (
	"errors"
	"syscall"
	"testing"
	"time"
)

func TestEventMessages(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		e    Event
		want string
	}{
		{Event{Kind: EventStarted, Program: "web", Pid: 42}, "web: started pid 42"},
		{Event{Kind: EventExited, Program: "web", Code: 1, Elapsed: 300 * ms, Next: NextRestart, Attempt: 2, Retries: 3, Delay: 400 * ms},
			"web: exited 1 after 0.3s; restart 2/3 in 400ms"},
		{Event{Kind: EventExited, Program: "web", Code: 139, Signal: syscall.SIGSEGV, Elapsed: 2 * time.Hour, Next: NextRestart, Delay: 100 * ms},
			"web: killed by SIGSEGV after 2h0m0s; restart in 100ms"},
		{Event{Kind: EventExited, Program: "migrate", Elapsed: 12 * time.Second, Next: NextDone}, "migrate: exited 0 after 12s; done"},
		{Event{Kind: EventExited, Program: "backup", Elapsed: 7 * time.Second, Next: NextDone, NextRun: time.Date(2026, 11, 26, 12, 10, 0, 0, time.UTC)},
			"backup: exited 0 after 7s; next run 2026-11-26 12:10"},
		{Event{Kind: EventNotReady, Program: "web", Elapsed: 30 * time.Second}, "web: not ready after 30s"},
		{Event{Kind: EventFatal, Program: "web", Attempt: 3}, "web: gave up after 3 tries (FATAL)"},
		{Event{Kind: EventFatal, Program: "job", Detail: "failed and autorestart is never"}, "job: failed and autorestart is never (FATAL)"},
		{Event{Kind: EventStopping, Program: "web", Signal: syscall.SIGTERM, Delay: 10 * time.Second}, "stopping web (SIGTERM, up to 10s)"},
		{Event{Kind: EventKilled, Program: "web", Elapsed: 10 * time.Second, Detail: "group"}, "web: killed after 10s (SIGKILL to group)"},
		{Event{Kind: EventStopped, Program: "web", Elapsed: 150 * ms, Code: 143, Signal: syscall.SIGTERM}, "web: stopped after 0.2s (killed by SIGTERM)"},
		{Event{Kind: EventCheck, Program: "web", Detail: "ready", Err: errors.New("refused")}, "web: ready check failed: refused"},
		{Event{Kind: EventShutdown, Signal: syscall.SIGINT}, "stopping all programs (SIGINT)"},
		{Event{Kind: EventSignalHeld, Program: "nginx", Signal: syscall.SIGHUP}, "nginx: SIGHUP held until the new process is ready"},
		{Event{Kind: EventFinished, Code: 3, Detail: "web gave up"}, "exiting 3: web gave up"},
		{Event{Kind: EventSignalForwarded, Program: "x", Signal: syscall.Signal(99), Pid: 7}, "x: signal 99 forwarded to group 7"},
	}
	for _, tt := range tests {
		if got := tt.e.String(); got != tt.want {
			t.Errorf("got  %q\nwant %q", got, tt.want)
		}
	}
}

func TestSeconds(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		0: "0s", 40 * time.Millisecond: "0s", 300 * time.Millisecond: "0.3s", 1500 * time.Millisecond: "1.5s",
		10 * time.Second: "10s", 59*time.Second + 940*time.Millisecond: "59.9s", 125 * time.Second: "2m5s",
	} {
		if got := seconds(d); got != want {
			t.Errorf("seconds(%v) = %q, want %q", d, got, want)
		}
	}
}
