package supervise

import (
	"appstart/runtime/spec"
	"strings"
	"time"
)

// startAll ends the hold: it asks every AutoStart program to start and
// arms every schedule.
func (s *Supervisor) startAll() {
	s.holding = false
	for _, p := range s.progs {
		switch {
		case p.Schedule != nil:
			if p.nextRun.IsZero() {
				s.armSchedule(p)
			}
		case p.AutoStart:
			s.requestStart(p)
		}
	}
}

// requestStart moves a program that has no process towards Starting, and
// with it the groups in its After that nobody started (a program needs its
// dependencies even when they are not autostart, as Pebble's `requires`).
// The spawn itself happens in startWaiting, once the dependencies are ready.
func (s *Supervisor) requestStart(p *prog) {
	switch p.state {
	case Stopped, Exited, Fatal, Skipped:
		p.failures, p.quick, p.manual, p.waitNoted = 0, 0, false, false
		p.skipNoted = "" // asked again: say again why it does not start
		s.transition(p, Waiting)
	case Stopping:
		p.intent = intentRestart
	default:
		// Waiting, Starting, Running, Backoff: already on their way.
		return
	}
	for _, g := range p.After {
		for _, q := range s.groups[g] {
			if q.state == Stopped || q.state == Fatal {
				s.requestStart(q)
			}
		}
	}
}

// startWaiting spawns every Waiting program whose dependencies are ready,
// until none is left to spawn (a program with StartSecs 0 and no probe is
// ready at once and may release its dependents in the same pass).
func (s *Supervisor) startWaiting() {
	for again := true; again; {
		again = false
		for _, p := range s.progs {
			if s.shut != nil {
				return
			}
			if p.state != Waiting {
				continue
			}
			if missing := s.unready(p); missing != "" {
				if !p.waitNoted {
					p.waitNoted = true
					s.emit(Event{Kind: EventWaiting, Program: p.Name, Detail: missing})
				}
				continue
			}
			if !s.skipped(p) {
				s.spawn(p)
			}
			again = true
		}
	}
}

// unready lists the groups in p's After that are not yet satisfied, or "".
func (s *Supervisor) unready(p *prog) string {
	var missing []string
	for _, g := range p.After {
		for _, q := range s.groups[g] {
			if !q.satisfies() {
				missing = append(missing, g)
				break
			}
		}
	}
	return strings.Join(missing, ", ")
}

// satisfies reports whether p lets its dependents start: its process is
// ready (its Ready probe passed, or it has run StartSecs without one), or
// it ended as expected, or it was skipped. A one-shot (autorestart never) without a probe
// satisfies only once done: "B after oneshot A exited" (Supervisor #122).
func (p *prog) satisfies() bool {
	if p.state == Exited || p.state == Skipped {
		return true
	}
	if p.AutoRestart == spec.RestartNever && p.Ready == nil {
		return false
	}
	return p.up && (p.state == Starting || p.state == Running)
}

// skipped asks p's Skip, right before a start: a program it skips goes to
// Skipped, which satisfies its dependents, and says why once.
func (s *Supervisor) skipped(p *prog) bool {
	if p.Skip == nil {
		return false
	}
	skip, why := p.Skip()
	if !skip {
		p.skipNoted = ""
		return false
	}
	if why == "" {
		why = "skipped"
	}
	if why != p.skipNoted { // a schedule asks at every run: say it once
		p.skipNoted = why
		s.emit(Event{Kind: EventNotStarted, Program: p.Name, Detail: why})
	}
	s.transition(p, Skipped)
	return true
}

// spawn starts p's process, marked (MarkerEnv) so that what it leaves
// outside its process group can be found when it stops. A failed spawn is
// a failed start, with the exit code a shell would give it.
func (s *Supervisor) spawn(p *prog) {
	now := s.clock.Now()
	// The wall clock before the fork: nothing the new process writes can be
	// older. Taken after Spawn returned, a ready file it wrote at once was
	// judged left from before whenever this goroutine got the CPU back more
	// than staleSlack later (CI: on_start's needs waited 20 s for a ready db).
	wall := time.Now()
	q := p.Program
	q.Marker = marker(p.Name, p.starts+1)
	pid, err := s.spawner.Spawn(&q)
	if err != nil {
		e := end{code: spawnErrorCode(err), noStart: true}
		s.noteEnd(p, e)
		s.conclude(p, decide(&p.Program, p.failures, p.quick, e),
			Event{Kind: EventSpawnFailed, Program: p.Name, Code: e.code, Err: err})
		return
	}
	p.pid, p.startedAt, p.following, p.intent = pid, now, false, intentStop
	p.spawnedWall = wall
	p.starts++
	p.waitNoted = false // report the next wait for dependencies too
	s.byPid[pid] = p
	s.transition(p, Starting)
	s.emit(Event{Kind: EventStarted, Program: p.Name, Pid: pid})
	if p.Ready != nil {
		s.checkReady(p)
		if p.ReadyTimeout > 0 {
			s.after(p, timerReadyTimeout, p.ReadyTimeout)
		}
	}
	if p.StartSecs > 0 {
		s.after(p, timerStartSecs, p.StartSecs)
		return
	}
	s.toRunning(p)
}

func (s *Supervisor) startSecsElapsed(p *prog) {
	switch p.state {
	case Starting:
		s.toRunning(p)
	default:
		// Running already; Stopping and the rest bumped gen, so only a
		// defensive case: nothing to do.
	}
}

func (s *Supervisor) toRunning(p *prog) {
	s.transition(p, Running)
	if p.StartSecs == 0 || p.StartSecs >= resetWindow(&p.Program) {
		p.failures = 0 // it started: decide would reset the count at its end anyway
	}
	s.emit(Event{Kind: EventRunning, Program: p.Name, Pid: p.pid, Elapsed: s.clock.Now().Sub(p.startedAt)})
	s.maybeUp(p)
}

// maybeUp marks p ready once everything it waits for is there: the Ready
// probe passed (or, without one, StartSecs elapsed), and for a daemon
// followed through its pid file, the daemon's pid is known. Being up
// releases dependents, held signals and health checks.
func (s *Supervisor) maybeUp(p *prog) {
	if p.up || (p.state != Starting && p.state != Running) || p.pid == 0 {
		return
	}
	if p.PidFile != "" && !p.following {
		return
	}
	if p.Ready != nil && !p.probeOK || p.Ready == nil && p.state != Running {
		return
	}
	p.up = true
	if p.Ready != nil {
		s.emit(Event{Kind: EventReady, Program: p.Name, Pid: p.pid, Elapsed: s.clock.Now().Sub(p.startedAt)})
	}
	s.deliverHeld(p)
	if p.Health != nil {
		s.after(p, timerHealth, p.Health.Interval)
	}
}

func (s *Supervisor) backoffElapsed(p *prog) {
	switch p.state {
	case Backoff:
		s.transition(p, Waiting)
	default:
		// Stopped by a request or a shutdown during the backoff: stays so.
	}
}

// conclude applies a restart verdict to p after its process ended (or
// never started), emitting ev completed with what comes next.
func (s *Supervisor) conclude(p *prog, out outcome, ev Event) {
	p.failures, p.quick = out.failures, out.quick
	switch out.verdict {
	case verdictDone:
		ev.Next = NextDone
		if p.Schedule != nil {
			ev.NextRun = p.nextRun
		}
		s.emit(ev)
		s.transition(p, Exited)
	case verdictRestart:
		ev.Next, ev.Attempt, ev.Retries, ev.Delay = NextRestart, out.failures, p.StartRetries, out.delay
		s.emit(ev)
		s.transition(p, Backoff)
		s.after(p, timerBackoff, out.delay)
	case verdictFatal:
		ev.Next = NextFatal
		s.emit(ev)
		s.fatal(p, out)
	}
}

// fatal gives up on p: FATAL, and unless on_fatal = "ignore", everything
// stops and appstart exits with p's code, so the platform restarts the
// container (Supervisor #712, #1373).
func (s *Supervisor) fatal(p *prog, out outcome) {
	s.transition(p, Fatal)
	ev := Event{Kind: EventFatal, Program: p.Name, Code: p.lastEnd.code, Attempt: out.failures}
	if out.reason == reasonNever {
		ev.Detail = "failed and autorestart is never"
	}
	s.emit(ev)
	if p.OnFatal == spec.FatalStop {
		s.beginShutdown(&shutdown{reason: p.Name + " gave up", prog: p, code: nonzero(p.lastEnd.code)})
	}
}

// noteEnd records how p's process ended, for the tini rule and Status.
func (s *Supervisor) noteEnd(p *prog, e end) {
	p.ended, p.lastEnd = true, e
	s.lastEnd = p
}
