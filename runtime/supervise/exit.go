package supervise

import (
	"errors"
	"fmt"
	"syscall"
)

// Exited tells the supervisor that pid ended, with its exit status (or
// 128+signal) and the killing signal. The wiring calls it for every pid
// the reaper collects, orphans included: pids that are not a program's
// are ignored, and a daemon followed through its pid file is an orphan
// whose real status is then used rather than a guess from polling.
//
// It never blocks and never drops an exit: the supervisor queues it
// without bound (mailbox), so the reaper's goroutine may call it directly
// for every pid it collects, before Run, during it, or after (then it is
// a no-op). Safe from any goroutine.
//
//	sup.Exited(42, 137, syscall.SIGKILL) // web's process was SIGKILLed
func (s *Supervisor) Exited(pid, code int, sig syscall.Signal) {
	s.send(exitEvent{pid: pid, end: end{code: code, sig: sig}})
}

// PidExit is one ended pid, as Exited takes it.
type PidExit struct {
	Pid, Code int
	Signal    syscall.Signal
}

// ExitedAll is Exited for a batch, in one hand-over to the supervisor's
// loop: the reaper's orphans come 128 at a time. With a mailbox message
// and a loop wake-up per exit, PID 1 used 1.25–1.29 times tini's CPU
// clearing 10,000 orphans, where a build that handed none over used
// 1.00–1.14 (`go run ./cmd/compare -only zombies`, two runs each). The
// slice becomes the supervisor's.
//
//	sup.ExitedAll([]supervise.PidExit{{Pid: 41, Code: 0}, {Pid: 42, Code: 1}})
func (s *Supervisor) ExitedAll(exits []PidExit) {
	if len(exits) > 0 {
		s.send(exitBatch(exits))
	}
}

// exited handles the end of a program's process.
func (s *Supervisor) exited(pid int, e end) {
	p, ok := s.byPid[pid]
	if !ok {
		return // not one of ours: an orphan proc reaped, or a stale pid
	}
	delete(s.byPid, pid)
	e.ran = s.clock.Now().Sub(p.startedAt)
	switch p.state {
	case Starting, Running:
		if p.PidFile != "" && !p.following && e.sig == 0 && e.code == 0 && s.shut == nil {
			// The launcher forked the daemon and left, as designed.
			s.follow(p)
			return
		}
	case Stopping:
	default:
		// Stopped, Waiting, Backoff, Exited and Fatal have no process, and
		// every path out of Starting/Running/Stopping removes the pid.
		s.emit(Event{Kind: EventInternalError, Program: p.Name,
			Err: fmt.Errorf("exit of pid %d in state %s", pid, p.state)})
		return
	}
	p.pid = 0
	s.noteEnd(p, e)
	ev := Event{Kind: EventExited, Program: p.Name, Pid: pid, Code: e.code, Signal: e.sig, Unknown: e.unknown, Elapsed: e.ran}
	switch {
	case p.state == Stopping:
		s.stopDone(p, e, ev)
	case s.shut != nil:
		// Ended by itself while appstart stops: no restart.
		s.emit(ev)
		s.transition(p, Exited)
	default:
		out := decide(&p.Program, p.failures, p.quick, e)
		if out.verdict == verdictRestart && !p.following {
			s.killLeftovers(p, pid)
		}
		if out.verdict != verdictDone {
			s.sweepEnded(p) // restarted or given up on: what it left goes
		}
		s.conclude(p, out, ev)
	}
}

// killLeftovers SIGKILLs what remains of a crashed program's process group
// before it is started again, so workers of a dead master cannot keep its
// port and make every restart fail. kill(-pgid, 0) tells whether anyone is
// left (kill(2): ESRCH when the group is empty).
func (s *Supervisor) killLeftovers(p *prog, pgid int) {
	if err := s.signals.Kill(-pgid, 0); err != nil {
		return
	}
	s.emit(Event{Kind: EventLeftovers, Program: p.Name, Pid: pgid})
	if err := s.signals.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		s.emit(Event{Kind: EventError, Program: p.Name, Err: fmt.Errorf("cannot send SIGKILL to group %d: %w", pgid, err)})
	}
}
