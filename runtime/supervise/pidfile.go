package supervise

import (
	"fmt"
)

// follow switches p from its launcher, which just exited 0, to the daemon
// named in its pid file: supervisord's pidproxy, built in. The daemon may
// write the file after the launcher has gone, so it is polled until
// PidFileWait for a pid that is alive; requiring a live pid also skips a
// stale file left by the previous daemon.
//
//	[programs.apache] command = ["apache2ctl", "start"], pidfile = "/run/apache2/apache2.pid"
//	apache: started pid 40          (apache2ctl)
//	apache: following pid 77 from /run/apache2/apache2.pid
func (s *Supervisor) follow(p *prog) {
	p.following = true
	p.pid = 0
	p.pidDeadline = s.clock.Now().Add(s.opts.PidFileWait)
	s.pidPollElapsed(p)
}

// pidPollElapsed reads the pid file until it names a live process, then
// checks that process is still alive. A vanished daemon is treated as an
// exit with an unknown status (code 1) unless the wiring reported its
// real status through Exited first.
func (s *Supervisor) pidPollElapsed(p *prog) {
	switch p.state {
	case Starting, Running, Stopping:
	default:
		return
	}
	if !p.following {
		return
	}
	if p.pid != 0 {
		if !s.procs.Alive(p.pid) {
			s.exited(p.pid, end{code: 1, unknown: true})
			return
		}
		s.after(p, timerPidPoll, s.opts.PidPoll)
		return
	}
	pid, err := s.procs.ReadPidFile(p.PidFile)
	if err == nil && s.procs.Alive(pid) {
		p.pid = pid
		s.byPid[pid] = p
		s.emit(Event{Kind: EventFollowing, Program: p.Name, Pid: pid, Detail: p.PidFile})
		s.maybeUp(p)
		s.after(p, timerPidPoll, s.opts.PidPoll)
		return
	}
	if s.clock.Now().Before(p.pidDeadline) {
		s.after(p, timerPidPoll, s.opts.PidPoll)
		return
	}
	if err == nil {
		err = fmt.Errorf("pid %d is not alive", pid)
	}
	// However long it took, a daemon that never appeared did not start.
	e := end{code: 1, unknown: true, noStart: true}
	s.noteEnd(p, e)
	s.conclude(p, decide(&p.Program, p.failures, p.quick, e), Event{Kind: EventSpawnFailed, Program: p.Name, Code: e.code,
		Err: fmt.Errorf("cannot follow daemon: no live pid in %s after %s: %w", p.PidFile, seconds(s.opts.PidFileWait), err)})
}
