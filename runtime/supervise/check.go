package supervise

import (
	"appstart/runtime/spec"
	"context"
	"time"
)

// runProbe runs one check of p's current process on its own goroutine,
// so a slow check never stalls the loop; the result comes back stamped
// with p's generation. The timeout is real time (the probe does I/O);
// Run's end cancels every check and waits for it.
func (s *Supervisor) runProbe(p *prog, kind probeKind, probe Probe, timeout time.Duration) {
	gen, spawned := p.gen, p.spawnedWall
	s.probes.Add(1)
	go func() {
		defer s.probes.Done()
		ctx, cancel := context.WithTimeout(s.ctx, timeout)
		var err error
		if sp, ok := probe.(sinceProbe); ok && !spawned.IsZero() {
			err = sp.CheckSince(ctx, spawned)
		} else {
			err = probe.Check(ctx)
		}
		cancel()
		s.send(probeEvent{p: p, gen: gen, kind: kind, err: err})
	}()
}

func (s *Supervisor) checkReady(p *prog) {
	s.runProbe(p, probeReady, p.Ready, s.opts.CheckTimeout)
}

func (s *Supervisor) readyChecked(p *prog, err error) {
	switch p.state {
	case Starting, Running:
	default:
		return // Stopping and after: gen changed, defensive only
	}
	if p.probeOK {
		return
	}
	s.emit(Event{Kind: EventCheck, Program: p.Name, Pid: p.pid, Detail: "ready", Err: err})
	if err != nil {
		p.lastCheckErr = err
		s.after(p, timerReadyPoll, s.opts.ReadyPoll)
		return
	}
	p.probeOK = true
	s.maybeUp(p)
}

func (s *Supervisor) readyPollElapsed(p *prog) {
	switch p.state {
	case Starting, Running:
		if !p.probeOK {
			s.checkReady(p)
		}
	default:
	}
}

// readyTimeoutElapsed stops a program that did not become ready in time;
// its start counts as failed, so it is retried with backoff and may end
// FATAL like any program that cannot start.
func (s *Supervisor) readyTimeoutElapsed(p *prog) {
	switch p.state {
	case Starting, Running:
		if p.up || s.shut != nil {
			return
		}
		s.emit(Event{Kind: EventNotReady, Program: p.Name, Pid: p.pid, Elapsed: p.ReadyTimeout, Err: p.lastCheckErr})
		s.beginStop(p, intentRestartFailed)
	default:
	}
}

func (s *Supervisor) healthDue(p *prog) {
	switch p.state {
	case Starting, Running:
		if p.up && s.shut == nil {
			timeout := p.Health.Timeout
			if timeout <= 0 {
				timeout = s.opts.CheckTimeout
			}
			s.runProbe(p, probeHealth, p.Health.Probe, timeout)
		}
	default:
	}
}

// healthChecked counts failed health checks in a row; Retries of them make
// the program unhealthy. Failures within StartPeriod of the start do not
// count (Docker's --start-period).
func (s *Supervisor) healthChecked(p *prog, err error) {
	switch p.state {
	case Starting, Running:
	default:
		return
	}
	if !p.up || s.shut != nil {
		return // no restarts while everything stops
	}
	h := p.Health
	s.emit(Event{Kind: EventCheck, Program: p.Name, Pid: p.pid, Detail: "health", Err: err})
	if err == nil {
		p.healthFails = 0
		if p.health != HealthHealthy {
			p.health = HealthHealthy
			s.emit(Event{Kind: EventHealthy, Program: p.Name, Pid: p.pid})
		}
		s.after(p, timerHealth, h.Interval)
		return
	}
	if s.clock.Now().Sub(p.startedAt) < h.StartPeriod {
		s.after(p, timerHealth, h.Interval)
		return
	}
	p.healthFails++
	if p.healthFails < h.Retries {
		s.after(p, timerHealth, h.Interval)
		return
	}
	p.health = HealthUnhealthy
	ev := Event{Kind: EventUnhealthy, Program: p.Name, Pid: p.pid, Attempt: p.healthFails, Err: err}
	if p.OnUnhealthy == spec.UnhealthyRestart {
		ev.Detail = "restarting"
		s.emit(ev)
		s.beginStop(p, intentRestart)
		return
	}
	ev.Detail = "stopping everything"
	s.emit(ev)
	s.beginShutdown(&shutdown{reason: p.Name + " is unhealthy", prog: p, code: 1, fromExit: true})
}
