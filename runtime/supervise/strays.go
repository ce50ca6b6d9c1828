package supervise

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"syscall"
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

// withMarker returns env with MarkerEnv set to name.start, replacing any
// value the spec gave (it would hide the process from the sweep).
func withMarker(env []string, name string, start int) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, MarkerEnv+"=") {
			out = append(out, kv)
		}
	}
	return append(out, MarkerEnv+"="+name+"."+strconv.Itoa(start))
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

// sweep sends sig to p's strays from its starts up to upTo (a later
// process's strays may be the daemons it runs now), and reports how many
// it signalled. A stray that leads its own group (setsid) gets the signal
// as a group, so its own children go with it; any other one by pid. The
// program's processes the supervisor knows (a followed daemon) are
// signalled as the program, not here.
func (s *Supervisor) sweep(p *prog, upTo int, sig syscall.Signal) int {
	var pids []string
	for _, st := range s.procs.Strays(p.Name) {
		if st.Start > upTo {
			continue
		}
		if _, ok := s.byPid[st.Pid]; ok {
			continue
		}
		if sig != syscall.SIGKILL {
			if p.stopSentTo[st.Pid] {
				continue // once per stop: a second SIGTERM may mean "hurry" to it
			}
			if p.stopSentTo != nil {
				p.stopSentTo[st.Pid] = true
			}
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
		pids = append(pids, strconv.Itoa(st.Pid))
	}
	if len(pids) > 0 {
		detail := "pid"
		if len(pids) > 1 {
			detail = "pids"
		}
		n := len(pids)
		if n > 10 {
			pids = append(pids[:10], "...")
		}
		s.emit(Event{Kind: EventStrays, Program: p.Name, Signal: sig, Attempt: n,
			Detail: detail + " " + strings.Join(pids, ", ")})
		return n
	}
	return 0
}

// sweepEnded stops what p's processes so far left behind, now that p's
// process has ended for good or before a restart: the stop signal now,
// SIGKILL StopWait later to whatever is still there (or was reparented
// since: a daemon's intermediate process may outlive the program by a
// moment).
func (s *Supervisor) sweepEnded(p *prog) {
	s.sweep(p, p.starts, p.StopSignal)
	p.stopSentTo = nil
	s.after(p, timerSweep, p.StopWait)
}
