package proc

import (
	"errors"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// signalOffset is added to the signal number of a process killed by a
// signal, the convention of sh, tini, containerd, runc and Docker.
const signalOffset = 128

// Exit codes of a command that could not be exec'd, as POSIX shells give
// them (sh(1p), "Exit Status": 127 not found, 126 found but not executable).
const (
	CodeNotFound      = 127
	CodeNotExecutable = 126
)

// Exit is how a process ended, as wait4 reported it.
//
//	Exit{Pid: 42, Code: 1}                                   // "exited 1"
//	Exit{Pid: 42, Code: 137, Signal: syscall.SIGKILL}        // "killed by SIGKILL"
//	Exit{Pid: 42, Code: 139, Signal: syscall.SIGSEGV, CoreDump: true} // "killed by SIGSEGV (core dumped)"
type Exit struct {
	Pid      int
	Code     int            // exit status 0..255, or 128+signal
	Signal   syscall.Signal // the killing signal; 0 when the process exited
	CoreDump bool
}

// String describes the exit for appstart's own log lines.
func (e Exit) String() string {
	if e.Signal == 0 {
		return fmt.Sprintf("exited %d", e.Code)
	}
	s := "killed by " + signalName(e.Signal)
	if e.CoreDump {
		s += " (core dumped)"
	}
	return s
}

func signalName(sig syscall.Signal) string {
	if name := unix.SignalName(sig); name != "" {
		return name
	}
	return fmt.Sprintf("signal %d", int(sig))
}

// exitOf decodes a wait status. Only exits and deaths reach here: the
// reaper never asks wait4 for stops (WUNTRACED) or continues (WCONTINUED).
func exitOf(pid int, ws unix.WaitStatus) Exit {
	if ws.Signaled() {
		return Exit{Pid: pid, Code: signalOffset + int(ws.Signal()), Signal: ws.Signal(), CoreDump: ws.CoreDump()}
	}
	return Exit{Pid: pid, Code: ws.ExitStatus()}
}

// StartError is returned by Spawn and Run when a command could not be
// started; Err is the errno of the failed step (lookup, chdir, setuid or
// execve in the child), as syscall.ForkExec reports it.
type StartError struct {
	Path string
	Err  error
}

func (e *StartError) Error() string { return "cannot start " + e.Path + ": " + e.Err.Error() }
func (e *StartError) Unwrap() error { return e.Err }

// ExitForStartError gives the exit a shell would report for a command that
// could not start: 127 when it was not found (ENOENT), 126 for every other
// failure (EACCES, ENOEXEC, a directory...), as tini does.
//
//	_, err := r.Spawn(proc.Cmd{Path: "no-such-program"}, nil)
//	proc.ExitForStartError(err).Code // 127
func ExitForStartError(err error) Exit {
	if errors.Is(err, syscall.ENOENT) {
		return Exit{Code: CodeNotFound}
	}
	return Exit{Code: CodeNotExecutable}
}
