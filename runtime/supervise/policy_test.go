package supervise

import (
	"appstart/runtime/spec"
	"errors"
	"fmt"
	"syscall"
	"testing"
	"time"
)

func TestRestartDelayDoublesToCap(t *testing.T) {
	t.Parallel()
	want := []time.Duration{100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000}
	for i, w := range want {
		if got := RestartDelay(i + 1); got != w*time.Millisecond {
			t.Errorf("RestartDelay(%d) = %v, want %v", i+1, got, w*time.Millisecond)
		}
	}
	for _, n := range []int{0, -1} {
		if got := RestartDelay(n); got != BackoffBase {
			t.Errorf("RestartDelay(%d) = %v, want %v", n, got, BackoffBase)
		}
	}
	if got := RestartDelay(1 << 20); got != BackoffCap {
		t.Errorf("RestartDelay(huge) = %v, want the cap", got)
	}
}

func TestDecide(t *testing.T) {
	t.Parallel()
	short, long := 300*time.Millisecond, 5*time.Second
	base := Program{ExitCodes: []int{0, 2}, StartSecs: time.Second, StartRetries: 3}
	with := func(a spec.AutoRestart) Program { p := base; p.AutoRestart = a; return p }
	scheduled := with(spec.RestartAlways)
	scheduled.Schedule = Every(time.Minute)
	tests := []struct {
		name     string
		p        Program
		failures int
		e        end
		want     outcome
	}{
		{"never, expected exit: done", with(spec.RestartNever), 0, end{code: 2, ran: short}, outcome{verdict: verdictDone}},
		{"never, unexpected exit: fatal", with(spec.RestartNever), 0, end{code: 1, ran: long}, outcome{verdict: verdictFatal, reason: reasonNever}},
		{"never, killed by a signal: fatal", with(spec.RestartNever), 0, end{code: 0, sig: syscall.SIGKILL, ran: long}, outcome{verdict: verdictFatal, reason: reasonNever}},
		{"unexpected, expected exit before startsecs: done (oneshot)", with(spec.RestartUnexpected), 0, end{code: 0, ran: short}, outcome{verdict: verdictDone}},
		{"unexpected, unexpected exit, short run: failed start", with(spec.RestartUnexpected), 1, end{code: 1, ran: short}, outcome{verdict: verdictRestart, failures: 2, delay: 200 * time.Millisecond}},
		{"unexpected, unexpected exit, long run: count reset", with(spec.RestartUnexpected), 3, end{code: 1, ran: long}, outcome{verdict: verdictRestart, failures: 0, delay: 100 * time.Millisecond}},
		{"unexpected, status unknown: restart", with(spec.RestartUnexpected), 0, end{code: 0, unknown: true, ran: long}, outcome{verdict: verdictRestart, delay: 100 * time.Millisecond}},
		{"always, expected exit, long run: restart", with(spec.RestartAlways), 0, end{code: 0, ran: long}, outcome{verdict: verdictRestart, delay: 100 * time.Millisecond}},
		{"always, short run: failed start", with(spec.RestartAlways), 0, end{code: 0, ran: short}, outcome{verdict: verdictRestart, failures: 1, delay: 100 * time.Millisecond}},
		{"retries exhausted: fatal", with(spec.RestartAlways), 3, end{code: 1, ran: short}, outcome{verdict: verdictFatal, failures: 4, reason: reasonRetries}},
		{"scheduled: never restarted", scheduled, 0, end{code: 1, ran: short}, outcome{verdict: verdictDone}},
	}
	for _, tt := range tests {
		if got := decide(&tt.p, tt.failures, 0, tt.e); got != tt.want {
			t.Errorf("%s: decide = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// startsecs = 0 (issue 14 item 7): a process is RUNNING once spawned, as
// supervisord, so an immediate exit is not a failed start and never makes
// the program FATAL; quick runs in a row still double the delay (Supervisor
// #1285: no spinning), and a spawn error is still a failed start.
func TestDecideStartSecsZero(t *testing.T) {
	t.Parallel()
	short := 10 * time.Millisecond
	p := Program{AutoRestart: spec.RestartUnexpected, ExitCodes: []int{0}, StartSecs: 0, StartRetries: 3}
	tests := []struct {
		name            string
		failures, quick int
		e               end
		want            outcome
	}{
		{"an immediate exit restarts", 0, 0, end{code: 1, ran: short}, outcome{verdict: verdictRestart, quick: 1, delay: 100 * time.Millisecond}},
		{"past startretries still restarts, later", 0, 9, end{code: 1, ran: short}, outcome{verdict: verdictRestart, quick: 10, delay: 30 * time.Second}},
		{"killed at once restarts too", 0, 3, end{code: 137, sig: 9, ran: short}, outcome{verdict: verdictRestart, quick: 4, delay: 800 * time.Millisecond}},
		{"a run of 1s resets the delay", 0, 9, end{code: 1, ran: time.Second}, outcome{verdict: verdictRestart, delay: 100 * time.Millisecond}},
		{"an expected exit is done", 0, 2, end{code: 0, ran: short}, outcome{verdict: verdictDone}},
		{"a spawn error is a failed start", 3, 0, end{code: 127, noStart: true}, outcome{verdict: verdictFatal, failures: 4, reason: reasonRetries}},
	}
	for _, tt := range tests {
		if got := decide(&p, tt.failures, tt.quick, tt.e); got != tt.want {
			t.Errorf("%s: decide = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := map[syscall.Signal]sigAction{
		syscall.SIGTERM: sigShutdown, syscall.SIGINT: sigShutdown,
		syscall.SIGURG: sigIgnore, syscall.SIGCHLD: sigIgnore,
		syscall.SIGHUP: sigForward, syscall.SIGUSR1: sigForward, syscall.SIGUSR2: sigForward,
		syscall.SIGWINCH: sigForward, syscall.SIGQUIT: sigForward,
	}
	for sig, want := range tests {
		if got := classify(sig); got != want {
			t.Errorf("classify(%v) = %v, want %v", sig, got, want)
		}
	}
}

func TestSpawnErrorCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want int
	}{
		{fmt.Errorf("cannot start web: %w", syscall.ENOENT), 127},
		{fmt.Errorf("cannot start web: %w", syscall.EACCES), 126},
		{errors.New("something else"), 126},
	}
	for _, tt := range tests {
		if got := spawnErrorCode(tt.err); got != tt.want {
			t.Errorf("spawnErrorCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
	if nonzero(0) != 1 || nonzero(143) != 143 {
		t.Error("nonzero must map 0 to 1 and keep other codes")
	}
}
