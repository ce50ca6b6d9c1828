package supervise

import (
	"slices"
	"syscall"
)

// Signal hands the supervisor a signal appstart received. SIGTERM and
// SIGINT stop everything (a second one during the stop is logged and
// changes nothing: the stop neither aborts nor speeds up); SIGURG and
// SIGCHLD are dropped; every other signal goes to the process group of
// each program whose Forward lists it. The wiring passes everything
// signal.Notify delivers, from any goroutine.
//
//	sup.Signal(syscall.SIGHUP) // nginx (forward = ["SIGHUP"]) reloads
func (s *Supervisor) Signal(sig syscall.Signal) {
	s.send(signalEvent{sig: sig})
}

func (s *Supervisor) signalled(sig syscall.Signal) {
	switch classify(sig) {
	case sigIgnore:
		return
	case sigShutdown:
		if s.shut != nil {
			s.emit(Event{Kind: EventShutdownRepeated, Signal: sig})
			return
		}
		s.beginShutdown(&shutdown{sig: sig, reason: "stopped by " + signalName(sig)})
		return
	}
	for _, p := range s.progs {
		if !slices.Contains(p.Forward, sig) {
			continue
		}
		switch p.state {
		case Starting, Running:
			if p.up {
				s.forward(p, sig)
			} else {
				s.hold(p, sig)
			}
		case Stopping:
			if p.pid != 0 {
				s.forward(p, sig)
			}
		case Waiting, Backoff:
			if p.starts > 0 {
				s.hold(p, sig) // between two processes: a restart
			}
		default:
			// Stopped, Exited, Fatal: no process and none expected; a
			// program not started yet reads its config fresh anyway.
		}
	}
}

// hold keeps a signal for p's next process. A process that has not yet
// installed its handlers would die of SIGHUP's default action, so held
// signals are delivered only once it is up (ready, or running StartSecs):
// delivered late rather than lost, and coalesced as the kernel coalesces
// pending standard signals (signal(7)).
func (s *Supervisor) hold(p *prog, sig syscall.Signal) {
	if !slices.Contains(p.held, sig) {
		p.held = append(p.held, sig)
	}
	s.emit(Event{Kind: EventSignalHeld, Program: p.Name, Signal: sig})
}

func (s *Supervisor) deliverHeld(p *prog) {
	for _, sig := range p.held {
		s.forward(p, sig)
	}
	p.held = nil
}

func (s *Supervisor) forward(p *prog, sig syscall.Signal) {
	s.kill(p, sig)
	s.emit(Event{Kind: EventSignalForwarded, Program: p.Name, Pid: p.pid, Signal: sig})
}
