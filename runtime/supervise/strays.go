package supervise

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// MarkerEnv is the variable the supervisor adds to the environment of every
// process it starts: "<program>.<start number>", e.g. "web:2.7". Whatever
// the process starts inherits it, including what leaves its process group
// (setsid, a daemon's double fork), so what a program left behind can be
// found when it stops: see sweep.
const MarkerEnv = "APPSTART_PROGRAM_ID"

// Stray is a process that carries a program's marker but left its process
// group and was reparented to appstart: a daemon it forked off.
type Stray struct {
	Pid   int
	Pgrp  int // its process group; == Pid for a group leader (setsid)
	Start int // the program's start number in its marker
}

// marker is the MarkerEnv entry of a program's start.
func marker(name string, start int) string {
	return MarkerEnv + "=" + name + "." + strconv.Itoa(start)
}

// MarkEnv returns a copy of env with marker (a Program's Marker) as its
// MarkerEnv entry, replacing any value the spec gave, which would hide the
// process from the sweep. For a Spawner that builds the environment itself:
//
//	proc.Cmd{Env: supervise.MarkEnv(launch.Env, p.Marker), ...}
func MarkEnv(env []string, marker string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, MarkerEnv+"=") {
			out = append(out, kv)
		}
	}
	if marker == "" {
		return out
	}
	return append(out, marker)
}

// parseMarker splits a marker value at its last dot.
//
//	parseMarker("web:2.7") == "web:2", 7, true
func parseMarker(v string) (name string, start int, ok bool) {
	i := strings.LastIndexByte(v, '.')
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(v[i+1:])
	if err != nil || n < 1 {
		return "", 0, false
	}
	return v[:i], n, true
}

// sweep stops p's strays from its starts up to upTo (a later process's
// strays may be the daemons it runs now): the stop signal to each one not
// sent it yet, and with kill, SIGKILL to each one that was (a StopWait
// ago, by the caller's timing). It reports whether any got the stop signal
// now. A stray that leads its own group (setsid) is signalled as a group,
// so its children go with it; any other by pid. A pid the supervisor
// follows (a daemon through its pid file) is the program's process,
// signalled as the program, never here.
func (s *Supervisor) sweep(p *prog, upTo int, kill bool) (fresh bool) {
	var termed, killed []string
	sent := map[int]bool{} // this round's, pruned to the strays still there
	for _, st := range s.findStrays(p) {
		if st.Start > upTo {
			continue
		}
		if _, ok := s.byPid[st.Pid]; ok {
			continue
		}
		sig := p.StopSignal
		if p.stopSentTo[st.Pid] {
			sent[st.Pid] = true
			if !kill {
				continue // once per stop: a second SIGTERM may mean "hurry" to it
			}
			sig = syscall.SIGKILL
		}
		target := st.Pid
		if st.Pgrp == st.Pid && st.Pgrp > 1 {
			target = -st.Pgrp
		}
		err := s.signals.Kill(target, sig)
		if err != nil && !errors.Is(err, syscall.ESRCH) {
			s.emit(Event{Kind: EventError, Program: p.Name, Pid: st.Pid,
				Err: fmt.Errorf("cannot send %s to pid %d it left behind: %w", signalName(sig), st.Pid, err)})
			continue
		}
		if sig == syscall.SIGKILL {
			killed = append(killed, strconv.Itoa(st.Pid))
			continue
		}
		sent[st.Pid] = true
		termed = append(termed, strconv.Itoa(st.Pid))
	}
	p.stopSentTo = sent
	s.noteStrays(p, p.StopSignal, termed)
	s.noteStrays(p, syscall.SIGKILL, killed)
	return len(termed) > 0
}

// strayScanWait bounds the loop's wait for a walk of /proc: reading a
// process's environ takes the lock of its memory map, which a process
// stuck in uninterruptible sleep can hold for ever (ps(1) hangs there too).
const strayScanWait = time.Second

// findStrays asks Processes for p's strays on another goroutine and waits
// at most strayScanWait (real time: this is I/O); a walk that takes longer
// is reported and left to finish alone, and this sweep finds nothing.
func (s *Supervisor) findStrays(p *prog) []Stray {
	found := make(chan []Stray, 1)
	go func() { found <- s.procs.Strays(p.Name) }()
	wait := strayScanWait
	if s.opts.scanWait > 0 {
		wait = s.opts.scanWait
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case l := <-found:
		return l
	case <-t.C:
		s.emit(Event{Kind: EventError, Program: p.Name,
			Err: fmt.Errorf("cannot look for what it left outside its group: /proc took over %s", seconds(wait))})
		return nil
	}
}

func (s *Supervisor) noteStrays(p *prog, sig syscall.Signal, pids []string) {
	if len(pids) == 0 {
		return
	}
	detail := "pid "
	if len(pids) > 1 {
		detail = "pids "
	}
	if len(pids) > 10 {
		pids = append(pids[:10], "...")
	}
	s.emit(Event{Kind: EventStrays, Program: p.Name, Signal: sig, Detail: detail + strings.Join(pids, ", ")})
}

// sweepEnded stops what p's processes so far left behind, now that p's
// process has ended for good or before a restart: the stop signal now,
// and StopWait later (sweepDue) SIGKILL to whatever is still there.
func (s *Supervisor) sweepEnded(p *prog) {
	s.sweep(p, p.starts, false)
	s.armSweep(p, p.starts)
}

// armSweep arms p's sweep timer for the strays of starts up to upTo,
// replacing the pending one (which covered no more). Transitions leave it
// alone: it outlives the process it was armed after.
func (s *Supervisor) armSweep(p *prog, upTo int) {
	if t := p.timers[timerSweep]; t != nil {
		t.Stop()
	}
	p.timers[timerSweep] = s.clock.AfterFunc(p.StopWait, func() {
		s.send(timerEvent{p: p, gen: uint64(upTo), kind: timerSweep})
	})
}

// sweepDue is sweepEnded's timer: SIGKILL to the strays that had the stop
// signal. One that appeared since (a daemon's intermediate process may
// outlive the program by a moment, so its child is reparented late) gets
// the stop signal first, and its own StopWait.
func (s *Supervisor) sweepDue(p *prog, upTo int) {
	if s.sweep(p, upTo, true) {
		s.armSweep(p, upTo)
	}
}
