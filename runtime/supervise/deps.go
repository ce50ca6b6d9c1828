package supervise

import (
	"syscall"
	"time"
)

// Spawner starts a program's process. The implementation must start it in
// a new process group whose id is its pid (Setpgid), since every stop,
// SIGKILL and forwarded signal goes to -pid, and must report the process's
// end back through [Supervisor.Exited]. It is called from the supervisor's
// goroutine only, one call at a time, and must neither keep nor modify p.
//
// An error means nothing was started; an error wrapping syscall.ENOENT
// counts as exit 127 and any other as 126, as a shell would report them.
type Spawner interface {
	Spawn(p *Program) (pid int, err error)
}

// Signaler sends signals: pid > 0 is one process, pid < 0 the process
// group -pid, sig 0 only checks that the target exists (kill(2)). An
// error wrapping syscall.ESRCH means the target is gone.
type Signaler interface {
	Kill(pid int, sig syscall.Signal) error
}

// Clock is the supervisor's only source of time. Timers call f on another
// goroutine; the supervisor turns each call into an event for its loop.
type Clock interface {
	Now() time.Time
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc call; *time.Timer is one.
type Timer interface {
	Stop() bool
}

// Processes is what following a daemon through its pid file, and finding
// what a program left outside its process group, need from the system.
type Processes interface {
	// ReadPidFile returns the pid written in path.
	ReadPidFile(path string) (int, error)
	// Alive reports whether pid is a live process (not a zombie).
	Alive(pid int) bool
	// Strays lists the live processes reparented to appstart (its children
	// it did not start) whose environment carries program's MarkerEnv.
	Strays(program string) []Stray
}
