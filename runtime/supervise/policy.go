package supervise

import (
	"appstart/runtime/spec"
	"errors"
	"slices"
	"syscall"
	"time"
)

// Restart delays: 100 ms doubling to a 30 s cap (the numbers;
// Pebble uses 500 ms x 2 to 30 s, supervisord adds 1 s per try).
const (
	BackoffBase = 100 * time.Millisecond
	BackoffCap  = 30 * time.Second
)

// minResetWindow is the shortest run that resets the failed-start count.
// With StartSecs = 0 nothing is a failed start (supervisord: the process is
// RUNNING once spawned), but runs shorter than this in a row still double
// the restart delay, so a program crashing in a loop is restarted forever
// without spinning (Supervisor #1285).
const minResetWindow = time.Second

// RestartDelay is the delay before restart attempt n (1-based).
//
//	RestartDelay(1) == 100ms; RestartDelay(2) == 200ms; RestartDelay(3) == 400ms
//	RestartDelay(10) == 30s (51.2s capped); RestartDelay(1000) == 30s
func RestartDelay(n int) time.Duration {
	d := BackoffBase
	for i := 1; i < n; i++ {
		d *= 2
		if d >= BackoffCap {
			return BackoffCap
		}
	}
	return d
}

// resetWindow is how long a process must run for its end not to count as
// a failed start.
func resetWindow(p *Program) time.Duration {
	return max(p.StartSecs, minResetWindow)
}

// verdict is what happens to a program that ended by itself.
type verdict int

const (
	verdictDone    verdict = iota // Exited: a one-shot or scheduled run finished
	verdictRestart                // Backoff, then start again
	verdictFatal                  // Fatal: gave up
)

// outcome is decide's answer: the verdict, the new failed-start count and,
// for a restart, its delay.
type outcome struct {
	verdict  verdict
	failures int
	quick    int // StartSecs 0: short runs in a row
	delay    time.Duration
	reason   string // why Fatal
}

// end is how a process ended, as the supervisor knows it.
type end struct {
	code    int            // exit status, or 128+signal
	sig     syscall.Signal // the killing signal, 0 for an exit
	unknown bool           // a followed daemon vanished; code is a stand-in
	noStart bool           // nothing ran: a spawn error, a daemon that never appeared
	ran     time.Duration
}

// expected reports whether e is an exit the program declared normal:
// an exit status in ExitCodes. Death by a signal and an unknown status
// never are (supervisord's exitcodes are exit statuses only).
func expected(p *Program, e end) bool {
	return e.sig == 0 && !e.unknown && slices.Contains(p.ExitCodes, e.code)
}

// decide is the restart policy, a pure function of the program, its
// failed-start count and how its process ended:
//
//	scheduled                      -> done (never restarted; the schedule runs it again)
//	never,      expected           -> done (a one-shot: satisfies its dependents)
//	never,      unexpected         -> fatal
//	unexpected, expected           -> done (even before StartSecs: Supervisor #122's "B after oneshot A")
//	unexpected, unexpected         -> restart
//	always                         -> restart
//
// A restart after a run shorter than max(StartSecs, 1s) is a failed start:
// failures+1 and a delay of RestartDelay(failures), or fatal once failures
// exceeds StartRetries. After a longer run the count starts again from 0
// and the delay is RestartDelay(1). With StartSecs 0 a process that ran
// is never a failed start: it restarts, never fatal, after
// RestartDelay(quick) where quick counts the runs shorter than 1s in a row.
//
//	decide(web{StartRetries: 3}, 2, 0, end{code: 1, ran: 300ms}) // restart, failures 3, 400ms
//	decide(web{StartRetries: 3}, 3, 0, end{code: 1, ran: 300ms}) // fatal,   failures 4
//	decide(web{StartSecs: 0},    0, 3, end{code: 1, ran: 10ms})  // restart, quick 4, 800ms
func decide(p *Program, failures, quick int, e end) outcome {
	if p.Schedule != nil {
		return outcome{verdict: verdictDone, failures: failures}
	}
	switch p.AutoRestart {
	case spec.RestartNever:
		if expected(p, e) {
			return outcome{verdict: verdictDone, failures: failures}
		}
		return outcome{verdict: verdictFatal, failures: failures, reason: reasonNever}
	case spec.RestartUnexpected:
		if expected(p, e) {
			return outcome{verdict: verdictDone, failures: failures}
		}
	}
	if p.StartSecs == 0 && !e.noStart {
		quick++
		if e.ran >= minResetWindow {
			quick = 0
		}
		return outcome{verdict: verdictRestart, quick: quick, delay: RestartDelay(quick)}
	}
	return restartAfter(p, failures, e.ran)
}

// restartAfter is the restart half of decide, also used for a start that
// failed without an exit (spawn error, not ready in time).
func restartAfter(p *Program, failures int, ran time.Duration) outcome {
	if ran >= resetWindow(p) {
		return outcome{verdict: verdictRestart, failures: 0, delay: RestartDelay(1)}
	}
	failures++
	if failures > p.StartRetries {
		return outcome{verdict: verdictFatal, failures: failures, reason: reasonRetries}
	}
	return outcome{verdict: verdictRestart, failures: failures, delay: RestartDelay(failures)}
}

// spawnErrorCode is the exit a shell gives a command it could not run:
// 127 when not found, 126 otherwise (sh(1p), "Exit Status").
func spawnErrorCode(err error) int {
	if errors.Is(err, syscall.ENOENT) {
		return 127
	}
	return 126
}

// nonzero makes a failure's code non-zero, so the platform sees one even
// when, say, an always-restarted program exhausted its retries exiting 0.
func nonzero(code int) int {
	if code == 0 {
		return 1
	}
	return code
}

// sigAction is what appstart does with a signal it received.
type sigAction int

const (
	sigForward  sigAction = iota // to the programs that list it in Forward
	sigShutdown                  // orderly stop of everything
	sigIgnore                    // never forwarded
)

// classify decides a received signal's fate. SIGURG is the Go runtime's
// goroutine preemption signal (golang/go#37942): appstart receives it from
// itself all the time and must never pass it on. SIGCHLD is the kernel's
// notice of appstart's own children's ends (the reaper waits for those in
// waitid).
func classify(sig syscall.Signal) sigAction {
	switch sig {
	case syscall.SIGTERM, syscall.SIGINT:
		return sigShutdown
	case syscall.SIGURG, syscall.SIGCHLD:
		return sigIgnore
	}
	return sigForward
}

const (
	reasonNever   = "autorestart is never"
	reasonRetries = "start retries exhausted"
)
