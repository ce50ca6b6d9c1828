package supervise

import (
	"appstart/runtime/spec"
	"errors"
	"fmt"
	"slices"
	"syscall"
	"time"
)

// beginStop sends p's stop signal to its process group and arms the
// SIGKILL that follows StopWait later.
func (s *Supervisor) beginStop(p *prog, intent stopIntent) {
	s.transition(p, Stopping) // new gen: ready, health and StartSecs timers are stale now
	p.intent = intent
	p.stopSent = s.clock.Now()
	if p.pid == 0 {
		// A daemon whose pid file was not read yet: nothing to signal.
		s.stopDone(p, end{}, Event{Kind: EventExited, Program: p.Name})
		return
	}
	wait := s.stopWait(p)
	s.emit(Event{Kind: EventStopping, Program: p.Name, Pid: p.pid, Signal: p.StopSignal, Delay: wait})
	s.kill(p, p.StopSignal)
	p.stopSentTo = nil          // a new stop: each stray gets the stop signal once
	s.sweep(p, p.starts, false) // what already left the group stops with it
	s.after(p, timerKill, wait)
	if p.following {
		s.after(p, timerPidPoll, s.opts.PidPoll)
	}
}

// stopWait is how long p gets between its stop signal and SIGKILL. In a
// stop of everything under a budget, a program without a stopwaitsecs of
// its own gets an equal share of what is left for the longest chain of
// programs that stop after it, itself included: with web after app after
// db and 10 s, web gets 3.3 s; if it ends at once, app gets half of the
// rest. So the whole stop fits the platform's grace period whatever the
// order, and a stopwaitsecs someone wrote is kept as written.
func (s *Supervisor) stopWait(p *prog) time.Duration {
	sh := s.shut
	if sh == nil || sh.deadline.IsZero() || !p.ShareStopBudget {
		return p.StopWait
	}
	left := sh.deadline.Sub(s.clock.Now())
	if left <= 0 {
		return 0
	}
	return min(p.StopWait, left/time.Duration(s.stopDepth(p, 0)))
}

// stopDepth counts the programs on the longest chain that stops from p on:
// p, then what p comes after, and so on (the after graph has no cycles;
// depth bounds the walk all the same).
func (s *Supervisor) stopDepth(p *prog, depth int) int {
	best := 0
	if depth < len(s.progs) {
		for _, q := range s.progs {
			if q != p && slices.Contains(p.After, q.group()) {
				best = max(best, s.stopDepth(q, depth+1))
			}
		}
	}
	return 1 + best
}

// kill signals p's process group, or the followed daemon itself (its group
// is its own business: it left ours when it daemonised).
func (s *Supervisor) kill(p *prog, sig syscall.Signal) {
	target, what := -p.pid, fmt.Sprintf("group %d", p.pid)
	if p.following {
		target, what = p.pid, fmt.Sprintf("pid %d", p.pid)
	}
	err := s.signals.Kill(target, sig)
	if err != nil && !errors.Is(err, syscall.ESRCH) { // ESRCH: already gone, its exit is on the way
		s.emit(Event{Kind: EventError, Program: p.Name, Pid: p.pid,
			Err: fmt.Errorf("cannot send %s to %s: %w", signalName(sig), what, err)})
	}
}

func (s *Supervisor) killTimeElapsed(p *prog) {
	switch p.state {
	case Stopping:
		s.kill(p, syscall.SIGKILL)
		s.sweep(p, p.starts, true)
		what := "group"
		if p.following {
			what = fmt.Sprintf("pid %d", p.pid)
		}
		s.emit(Event{Kind: EventKilled, Program: p.Name, Pid: p.pid, Elapsed: s.clock.Now().Sub(p.stopSent), Detail: what})
		s.after(p, timerLost, s.opts.KillWait)
	default:
		// Any other state bumped gen, so only a defensive case.
	}
}

// lostTimeElapsed gives up on a process that SIGKILL did not end (stuck in
// uninterruptible sleep): it is reported and treated as stopped, so the
// stop of everything else is not held up by it.
func (s *Supervisor) lostTimeElapsed(p *prog) {
	switch p.state {
	case Stopping:
		s.emit(Event{Kind: EventLost, Program: p.Name, Pid: p.pid, Elapsed: s.opts.KillWait})
		delete(s.byPid, p.pid)
		p.pid = 0
		e := end{code: 128 + int(syscall.SIGKILL), sig: syscall.SIGKILL}
		s.noteEnd(p, e)
		s.stopDone(p, e, Event{Kind: EventExited, Program: p.Name, Code: e.code, Signal: e.sig})
	default:
	}
}

// stopDone ends a stop: Stopped, or a start again for a restart. ev
// describes the end and becomes the EventStopped line.
func (s *Supervisor) stopDone(p *prog, e end, ev Event) {
	ev.Kind = EventStopped
	ev.Elapsed = s.clock.Now().Sub(p.stopSent)
	if sh := s.shut; sh != nil && sh.fromExit && sh.prog == p {
		sh.code, sh.fromExit = nonzero(e.code), false
	}
	// Before a restart too: the next process must not find the last one's
	// daemons holding its port.
	s.sweepEnded(p)
	switch {
	case s.shut != nil || p.intent == intentStop:
		s.emit(ev)
		s.transition(p, Stopped)
	case p.intent == intentRestart:
		s.emit(ev)
		p.failures = 0
		s.transition(p, Waiting)
	default: // intentRestartFailed: it was not ready in time
		out := restartAfter(&p.Program, p.failures, 0)
		if p.AutoRestart == spec.RestartNever {
			out = outcome{verdict: verdictFatal, failures: p.failures + 1, reason: reasonNever}
		}
		s.conclude(p, out, ev)
	}
}

// beginShutdown starts the orderly stop of everything. Programs without a
// process stop at once; the running ones stop in reverse After order, in
// advanceShutdown, as their dependents finish.
func (s *Supervisor) beginShutdown(sh *shutdown) {
	s.shut = sh
	if s.opts.StopBudget > 0 {
		sh.deadline = s.clock.Now().Add(s.opts.StopBudget)
	}
	s.holding = false
	s.emit(Event{Kind: EventShutdown, Signal: sh.sig, Program: progName(sh.prog), Detail: sh.reason})
	for _, w := range s.waiters {
		w.answer(fmt.Errorf("cannot wait for %s: appstart is stopping", w.label))
	}
	s.waiters = nil
	for _, p := range s.progs {
		p.schedGen++ // pending schedule timers are stale now
		p.nextRun = time.Time{}
		switch p.state {
		case Waiting, Backoff:
			s.transition(p, Stopped)
		case Stopping:
			p.intent = intentStop
		default:
			// Starting, Running: advanceShutdown; the rest have no process.
		}
	}
}

// advanceShutdown stops every running program that no live program
// depends on, and finishes Run once no process is left. Stopping in
// reverse After order means a database outlives the app that uses it
// (Supervisor #520).
func (s *Supervisor) advanceShutdown() {
	for changed := true; changed; {
		changed = false
		for _, p := range s.progs {
			if (p.state == Starting || p.state == Running) && !s.hasLiveDependent(p) {
				s.beginStop(p, intentStop)
				changed = true
			}
		}
	}
	for _, p := range s.progs {
		if p.state.alive() {
			return
		}
	}
	sh := s.shut
	if sh.prog == nil {
		s.finish(Result{Code: 0, Reason: sh.reason})
		return
	}
	s.finish(Result{Code: sh.code, Program: sh.prog.Name, Reason: sh.reason})
}

func (s *Supervisor) hasLiveDependent(p *prog) bool {
	for _, q := range s.progs {
		if q.state.alive() && slices.Contains(q.After, p.group()) {
			return true
		}
	}
	return false
}

func progName(p *prog) string {
	if p == nil {
		return ""
	}
	return p.Name
}
