package proc

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"

	"appstart/runtime/sysx"
)

// What a Go parent leaks into children through syscall.ForkExec, and how
// forkClean stops it (checked by spawn_test.go against a raw ForkExec):
//
//   - Dispositions. After fork the runtime resets only the signals it
//     handles itself to SIG_DFL (runtime.clearSignalHandlers); a signal set to
//     SIG_IGN by signal.Ignore, or inherited ignored (SIGHUP under nohup), stays
//     SIG_IGN, and execve(2) keeps ignored signals ignored. A program would then
//     silently ignore SIGHUP or see EPIPE instead of dying on a closed pipe.
//     Fix: for the length of the fork, give each ignored signal a Go handler
//     (signal.Notify on a channel nobody reads, which for the parent is still
//     "ignore"), so the child resets it; then signal.Ignore restores SIG_IGN.
//     Caveat: signal.Ignore also cancels every Notify for that signal, so code
//     must not Notify a signal it ignores while a Spawn is in flight. appstart
//     avoids the window entirely by never calling signal.Ignore (it Notifies
//     and drops); this is the safety net.
//   - The signal mask. The child gets the mask of the forking thread
//     (runtime BeforeFork saves the thread's real mask and the child restores
//     it), and Go threads start with the mask appstart itself inherited, minus
//     the signals the runtime insists on. Fix: fork on a locked thread whose
//     mask is emptied for the call and restored after.
//   - Descriptors. Go opens everything O_CLOEXEC, but fds appstart inherited
//     are not: sysx.CloseExecFrom(3) before every fork (one close_range call).

// hygieneSkip are signals whose disposition cannot or must not be changed:
// SIGKILL and SIGSTOP cannot be caught, and os/signal handles SIGPROF
// specially (signal.Ignore never sets SIG_IGN for it).
func hygieneSkip(sig syscall.Signal) bool {
	return sig == syscall.SIGKILL || sig == syscall.SIGSTOP || sig == syscall.SIGPROF
}

// ignoredSignals lists the signals currently ignored by the process, per
// os/signal's record (signal.Ignore and ignored-at-start alike).
func ignoredSignals() []os.Signal {
	var sigs []os.Signal
	for i := 1; i < 65; i++ {
		sig := syscall.Signal(i)
		if !hygieneSkip(sig) && signal.Ignored(sig) {
			sigs = append(sigs, sig)
		}
	}
	return sigs
}

// forkClean forks and execs with an empty signal mask, default dispositions
// and no stray descriptors (see above). The caller holds r.mu.
func (r *Reaper) forkClean(path string, argv []string, attr *syscall.ProcAttr, noNewPrivs bool) (int, error) {
	if err := sysx.CloseExecFrom(3); err != nil {
		return 0, fmt.Errorf("cannot mark inherited fds close-on-exec: %w", err)
	}
	if ignored := ignoredSignals(); len(ignored) > 0 {
		signal.Notify(r.discard, ignored...)
		defer signal.Ignore(ignored...)
	}
	if !noNewPrivs {
		return forkUnmasked(path, argv, attr)
	}
	// no_new_privs is per thread and permanent (prctl(2)); the child inherits
	// the forking thread's. So fork from a fresh goroutine that locks its
	// thread and exits without unlocking, which makes the runtime terminate
	// that thread (runtime.LockOSThread) instead of reusing it.
	done := make(chan forkResult, 1)
	go forkWithNoNewPrivs(path, argv, attr, done)
	res := <-done
	return res.pid, res.err
}

type forkResult struct {
	pid int
	err error
}

// forkWithNoNewPrivs runs as a goroutine of its own: it locks its thread,
// sets no_new_privs there, forks, sends the result and returns still
// locked, so the runtime ends the thread and the flag with it. Except the
// main thread: the runtime never ends that one, it parks it for good, still
// flagged (seen as PID 1's own NoNewPrivs: 1). Holding the main thread, it
// starts another of itself, which can then only run elsewhere.
func forkWithNoNewPrivs(path string, argv []string, attr *syscall.ProcAttr, done chan<- forkResult) {
	runtime.LockOSThread()
	if unix.Gettid() == unix.Getpid() {
		next := make(chan forkResult, 1)
		go forkWithNoNewPrivs(path, argv, attr, next)
		done <- <-next
		runtime.UnlockOSThread()
		return
	}
	if err := sysx.PrctlSetNoNewPrivs(); err != nil {
		done <- forkResult{0, err}
		return
	}
	pid, err := forkUnmasked(path, argv, attr)
	done <- forkResult{pid, err}
}

// forkUnmasked runs syscall.ForkExec on a locked thread whose signal mask is
// empty for the duration, so the child starts with an empty mask.
func forkUnmasked(path string, argv []string, attr *syscall.ProcAttr) (int, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var empty, old unix.Sigset_t
	if err := unix.PthreadSigmask(unix.SIG_SETMASK, &empty, &old); err != nil {
		return 0, os.NewSyscallError("pthread_sigmask", err)
	}
	defer unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
	return syscall.ForkExec(path, argv, attr)
}
