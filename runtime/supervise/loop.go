package supervise

import (
	"context"
	"fmt"
	"syscall"
	"time"
)

// Messages to the loop. Timer and probe events carry the generation of the
// program they were armed for; a handler drops them when it has moved on.
type (
	exitEvent struct {
		pid int
		end end
	}
	exitBatch   []PidExit
	signalEvent struct{ sig syscall.Signal }
	timerEvent  struct {
		p    *prog
		gen  uint64
		kind timerKind
	}
	probeEvent struct {
		p    *prog
		gen  uint64
		kind probeKind
		err  error
	}
)

type timerKind int

const (
	timerStartSecs    timerKind = iota // Starting -> Running
	timerReadyPoll                     // next ready check
	timerReadyTimeout                  // give up waiting for ready
	timerHealth                        // next health check
	timerBackoff                       // restart due
	timerKill                          // StopWait over: SIGKILL
	timerLost                          // KillWait over after SIGKILL
	timerPidPoll                       // pid file / daemon liveness
	timerSchedule                      // a scheduled run is due (stamped with schedGen)
	timerSweep                         // SIGKILL to the strays of old processes (stamped with the process count)
	numTimerKinds
)

type probeKind int

const (
	probeReady probeKind = iota
	probeHealth
)

// Run starts the autostart programs (unless Options.Hold) and supervises
// until everything has stopped, returning appstart's exit status. A
// cancelled ctx asks for an orderly stop, as SIGTERM does. Run may be
// called once.
func (s *Supervisor) Run(ctx context.Context) Result {
	if !s.ran.CompareAndSwap(false, true) {
		return Result{Code: 1, Reason: "supervisor already ran"}
	}
	s.events.start()
	s.holding = s.opts.Hold
	if !s.holding {
		s.startAll()
	}
	s.settle()
	stop := ctx.Done()
	for !s.finished {
		select {
		case <-s.in.ready:
			for _, ev := range s.in.take() {
				s.dispatch(ev)
				s.settle()
				if s.finished {
					break // what is left is answered by done: errStopped
				}
			}
		case <-stop:
			stop = nil
			if s.shut == nil {
				s.beginShutdown(&shutdown{reason: "asked to stop"})
			}
			s.settle()
		}
	}
	s.in.close()
	for _, p := range s.progs {
		p.stopTimers()
		for _, k := range []timerKind{timerSchedule, timerSweep} {
			if t := p.timers[k]; t != nil {
				t.Stop()
			}
		}
	}
	for _, w := range s.waiters {
		w.reply <- fmt.Errorf("cannot wait for %s: appstart is stopping", w.label)
	}
	s.waiters = nil
	close(s.done)
	s.cancel()
	s.probes.Wait()
	s.events.close(s.opts.EventFlushWait)
	return s.result
}

func (s *Supervisor) dispatch(ev any) {
	switch ev := ev.(type) {
	case exitEvent:
		s.exited(ev.pid, ev.end)
	case exitBatch:
		for _, e := range ev {
			s.exited(e.Pid, end{code: e.Code, sig: e.Signal})
		}
	case signalEvent:
		s.signalled(ev.sig)
	case timerEvent:
		s.timerFired(ev)
	case probeEvent:
		s.probed(ev)
	case controlEvent:
		ev.reply <- s.handleControl(ev)
	case statusEvent:
		ev.reply <- s.snapshot()
	case waitEvent:
		s.addWaiter(ev)
	case waiterTimeout:
		s.waiterTimedOut(ev.w)
	}
}

func (s *Supervisor) timerFired(ev timerEvent) {
	p := ev.p
	switch ev.kind {
	case timerSchedule:
		s.scheduleDue(p, ev.gen)
		return
	case timerSweep:
		s.sweepDue(p, int(ev.gen))
		return
	}
	if ev.gen != p.gen {
		return // stale: armed for a state p has left
	}
	switch ev.kind {
	case timerStartSecs:
		s.startSecsElapsed(p)
	case timerReadyPoll:
		s.readyPollElapsed(p)
	case timerReadyTimeout:
		s.readyTimeoutElapsed(p)
	case timerHealth:
		s.healthDue(p)
	case timerBackoff:
		s.backoffElapsed(p)
	case timerKill:
		s.killTimeElapsed(p)
	case timerLost:
		s.lostTimeElapsed(p)
	case timerPidPoll:
		s.pidPollElapsed(p)
	}
}

func (s *Supervisor) probed(ev probeEvent) {
	if ev.gen != ev.p.gen {
		return // for a process that is gone
	}
	switch ev.kind {
	case probeReady:
		s.readyChecked(ev.p, ev.err)
	case probeHealth:
		s.healthChecked(ev.p, ev.err)
	}
}

// after arms p's timer of the given kind, replacing the previous one of
// that kind: at most numTimerKinds timers per program are ever pending.
func (s *Supervisor) after(p *prog, kind timerKind, d time.Duration) {
	gen := p.gen
	if kind == timerSchedule {
		gen = p.schedGen
	}
	if t := p.timers[kind]; t != nil {
		t.Stop()
	}
	p.timers[kind] = s.clock.AfterFunc(d, func() { s.send(timerEvent{p: p, gen: gen, kind: kind}) })
}

// stopTimers stops the timers of p's current process; the schedule and
// the sweep of old processes' strays go on.
func (p *prog) stopTimers() {
	for k, t := range p.timers {
		if t != nil && timerKind(k) != timerSchedule && timerKind(k) != timerSweep {
			t.Stop()
			p.timers[k] = nil
		}
	}
}

// settle runs after every message: it starts the Waiting programs whose
// dependencies are ready, answers waiters, advances a shutdown, and ends
// Run when nothing is left to supervise.
func (s *Supervisor) settle() {
	if s.finished {
		return
	}
	if s.shut == nil {
		s.startWaiting()
		s.checkWaiters()
	}
	if s.shut != nil {
		s.advanceShutdown()
		return
	}
	s.checkAllEnded()
}

// checkAllEnded ends Run with the code of the last program to end once no
// process is left and none will start again: tini's behaviour for one
// program, generalised. A Waiting program whose dependencies have all
// ended can never start, so it does not keep appstart up; neither does a
// program stopped by request (an operator will start it again), nor a
// pending schedule.
func (s *Supervisor) checkAllEnded() {
	if s.holding {
		return
	}
	for _, p := range s.progs {
		if p.state.alive() || p.state == Backoff || !p.nextRun.IsZero() || (p.manual && p.state == Stopped) {
			return
		}
	}
	r := Result{Reason: "no program left to run"}
	if q := s.lastEnd; q != nil {
		r = Result{Code: q.lastEnd.code, Program: q.Name, Reason: "no program left to run; " + q.Name + " ended last"}
	}
	s.finish(r)
}

func (s *Supervisor) finish(r Result) {
	s.finished = true
	s.result = r
	s.emit(Event{Kind: EventFinished, Code: r.Code, Program: r.Program, Detail: r.Reason})
}
