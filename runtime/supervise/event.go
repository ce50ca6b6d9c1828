package supervise

import (
	"fmt"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// EventKind says what happened. The wiring prints each Event's String as
// one "appstart: ..." line on stderr; kinds marked debug are details it
// may leave out.
type EventKind int

const (
	EventStarted          EventKind = iota // web: started pid 42
	EventSpawnFailed                       // web: cannot start: ...; restart 1/3 in 100ms
	EventRunning                           // debug: web: running (ran 1s)
	EventCheck                             // debug: web: ready check failed: connection refused
	EventReady                             // web: ready after 0.8s
	EventNotReady                          // web: not ready after 30s: connection refused
	EventWaiting                           // web: waiting for db
	EventExited                            // web: exited 1 after 0.3s; restart 2/3 in 400ms
	EventFatal                             // web: gave up after 4 tries (FATAL)
	EventFollowing                         // apache: following pid 77 from /run/apache2/apache2.pid
	EventLeftovers                         // web: SIGKILL to what is left of group 42 before restarting
	EventHealthy                           // web: healthy
	EventUnhealthy                         // web: unhealthy after 3 failed checks: ...; restarting
	EventSignalHeld                        // web: SIGHUP held until the new process is ready
	EventSignalForwarded                   // debug: web: SIGHUP forwarded to group 42
	EventSkipped                           // backup: run skipped: still running
	EventShutdown                          // stopping all programs (SIGTERM)
	EventShutdownRepeated                  // SIGTERM again while stopping: the stop goes on as planned
	EventStopping                          // stopping web (SIGTERM, up to 10s)
	EventKilled                            // web: killed after 10s (SIGKILL to group)
	EventLost                              // web: pid 42 did not end 5s after SIGKILL; giving up on it
	EventStopped                           // web: stopped after 0.2s (exited 0)
	EventFinished                          // exiting 3: web gave up
	EventError                             // web: cannot send SIGHUP to group 42: ...
	EventInternalError                     // web: internal error: unexpected transition ...
	EventLogDropped                        // 120 log events dropped: appstart's output is not being read
	EventNotStarted                        // worker: not started: when = "exists:/app/data/.ready" is false (SKIPPED)
	EventStrays                            // web: SIGTERM to what it left outside its group (pids 80, 81)
)

// Next is what follows a process's end, for EventExited and EventSpawnFailed.
type Next int

const (
	NextNone    Next = iota // nothing to add (ended while appstart stops)
	NextRestart             // restart Attempt/Retries in Delay (Attempt 0: after a good run)
	NextDone                // a one-shot or scheduled run finished as expected
	NextFatal               // gave up; an EventFatal follows
)

// Event is one thing the supervisor did or saw. Fields that do not apply
// to the kind are zero.
type Event struct {
	Kind    EventKind
	Program string
	Pid     int
	// Code and Signal describe an end (exit status or 128+signal, and the
	// killing signal); for EventStopping, EventSignal* and EventShutdown
	// Signal is the signal sent or received.
	Code    int
	Signal  syscall.Signal
	Unknown bool // the end of a followed daemon, whose status never reached appstart
	// Elapsed is how long the process ran (EventExited, EventRunning,
	// EventReady), waited (EventNotReady, EventKilled, EventLost) or took
	// to stop (EventStopped).
	Elapsed          time.Duration
	Next             Next
	Attempt, Retries int
	Delay            time.Duration // restart delay, or StopWait for EventStopping
	Err              error
	Detail           string // a group list, a pid file, a reason
	// NextRun is a scheduled program's next due time, when its run ends.
	NextRun time.Time
}

// String is the event as one log line, without the "appstart: " prefix.
//
//	Event{Kind: EventExited, Program: "web", Code: 1, Elapsed: 300 * time.Millisecond,
//		Next: NextRestart, Attempt: 2, Retries: 3, Delay: 200 * time.Millisecond}.String()
//	// "web: exited 1 after 0.3s; restart 2/3 in 200ms"
func (e Event) String() string {
	n := e.Program
	switch e.Kind {
	case EventStarted:
		return fmt.Sprintf("%s: started pid %d", n, e.Pid)
	case EventSpawnFailed:
		return fmt.Sprintf("%s: %v (exit %d)%s", n, e.Err, e.Code, e.next())
	case EventRunning:
		return fmt.Sprintf("%s: running (ran %s)", n, seconds(e.Elapsed))
	case EventCheck:
		if e.Err == nil {
			return fmt.Sprintf("%s: %s check passed", n, e.Detail)
		}
		return fmt.Sprintf("%s: %s check failed: %v", n, e.Detail, e.Err)
	case EventReady:
		return fmt.Sprintf("%s: ready after %s", n, seconds(e.Elapsed))
	case EventNotReady:
		s := fmt.Sprintf("%s: not ready after %s", n, seconds(e.Elapsed))
		if e.Err != nil {
			s += ": " + e.Err.Error()
		}
		return s
	case EventWaiting:
		return fmt.Sprintf("%s: waiting for %s", n, e.Detail)
	case EventExited:
		return fmt.Sprintf("%s: %s after %s%s", n, e.how(), seconds(e.Elapsed), e.next())
	case EventFatal:
		if e.Detail != "" {
			return fmt.Sprintf("%s: %s (FATAL)", n, e.Detail)
		}
		return fmt.Sprintf("%s: gave up after %d tries (FATAL)", n, e.Attempt)
	case EventFollowing:
		return fmt.Sprintf("%s: following pid %d from %s", n, e.Pid, e.Detail)
	case EventLeftovers:
		return fmt.Sprintf("%s: SIGKILL to what is left of group %d before restarting", n, e.Pid)
	case EventHealthy:
		return fmt.Sprintf("%s: healthy", n)
	case EventUnhealthy:
		return fmt.Sprintf("%s: unhealthy after %d failed checks: %v; %s", n, e.Attempt, e.Err, e.Detail)
	case EventSignalHeld:
		return fmt.Sprintf("%s: %s held until the new process is ready", n, signalName(e.Signal))
	case EventSignalForwarded:
		return fmt.Sprintf("%s: %s forwarded to group %d", n, signalName(e.Signal), e.Pid)
	case EventSkipped:
		return fmt.Sprintf("%s: run skipped: %s", n, e.Detail)
	case EventShutdown:
		if e.Signal != 0 {
			return fmt.Sprintf("stopping all programs (%s)", signalName(e.Signal))
		}
		return "stopping all programs: " + e.Detail
	case EventShutdownRepeated:
		return fmt.Sprintf("%s again while stopping: the stop goes on as planned", signalName(e.Signal))
	case EventStopping:
		return fmt.Sprintf("stopping %s (%s, up to %s)", n, signalName(e.Signal), seconds(e.Delay))
	case EventKilled:
		return fmt.Sprintf("%s: killed after %s (SIGKILL to %s)", n, seconds(e.Elapsed), e.Detail)
	case EventLost:
		return fmt.Sprintf("%s: pid %d did not end %s after SIGKILL; giving up on it", n, e.Pid, seconds(e.Elapsed))
	case EventStopped:
		return fmt.Sprintf("%s: stopped after %s (%s)", n, seconds(e.Elapsed), e.how())
	case EventFinished:
		return fmt.Sprintf("exiting %d: %s", e.Code, e.Detail)
	case EventError:
		return fmt.Sprintf("%s: %v", n, e.Err)
	case EventInternalError:
		return fmt.Sprintf("%s: internal error: %v", n, e.Err)
	case EventLogDropped:
		return fmt.Sprintf("%d log events dropped: appstart's output is not being read", e.Attempt)
	case EventNotStarted:
		return fmt.Sprintf("%s: not started: %s (SKIPPED)", n, e.Detail)
	case EventStrays:
		return fmt.Sprintf("%s: %s to what it left outside its group (%s)", n, signalName(e.Signal), e.Detail)
	}
	return fmt.Sprintf("%s: event %d", n, int(e.Kind))
}

// how describes an end: "exited 1", "killed by SIGSEGV", "pid 77 vanished (status unknown)".
func (e Event) how() string {
	switch {
	case e.Unknown:
		return fmt.Sprintf("pid %d vanished (status unknown)", e.Pid)
	case e.Signal != 0:
		return "killed by " + signalName(e.Signal)
	}
	return fmt.Sprintf("exited %d", e.Code)
}

func (e Event) next() string {
	switch e.Next {
	case NextRestart:
		if e.Attempt == 0 {
			return "; restart in " + e.Delay.String()
		}
		return fmt.Sprintf("; restart %d/%d in %s", e.Attempt, e.Retries, e.Delay)
	case NextDone:
		if !e.NextRun.IsZero() {
			return "; next run " + e.NextRun.Format("2006-01-02 15:04")
		}
		return "; done"
	case NextFatal:
		return "; not restarted"
	}
	return ""
}

// seconds formats a duration to a tenth of a second: "0.3s", "10s", "2m5s".
func seconds(d time.Duration) string {
	if d < time.Minute {
		return strconv.FormatFloat(d.Round(100*time.Millisecond).Seconds(), 'f', -1, 64) + "s"
	}
	return d.Round(time.Second).String()
}

func signalName(sig syscall.Signal) string {
	if name := unix.SignalName(sig); name != "" {
		return name
	}
	return "signal " + strconv.Itoa(int(sig))
}
