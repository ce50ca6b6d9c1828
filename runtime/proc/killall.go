package proc

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"appstart/runtime/sysx"
)

// killAllPoll bounds how long KillAll sleeps between checks when no reap
// wakes it: a descendant reaped by its own (descendant) parent is invisible
// to this Reaper.
const killAllPoll = 20 * time.Millisecond

// killAllAfterKill is how long KillAll waits for SIGKILLed processes to be
// gone: SIGKILL is not catchable, but a process in uninterruptible sleep
// (state D) dies only when its system call returns.
const killAllAfterKill = time.Second

// KillAll ends everything left in the container once the programs have
// stopped, so nothing is cut off by the kernel's final kill mid-write (the
// gap in tini #180 and dumb-init #212): SIGTERM (and SIGCONT, so stopped
// processes can act on it) to every process, then SIGKILL to whatever is
// still there after grace. It returns how many processes needed SIGKILL.
//
// As PID 1 it uses kill(-1, sig), which reaches every process of the PID
// namespace but the caller (kill(2)). Otherwise it walks /proc for the
// descendants of this process (via PPid; orphans are its children, being a
// subreaper) and signals each, walking again on every wake-up to catch late
// forks. It waits on the reaper's passes, so the Reaper must be started.
//
//	killed, err := r.KillAll(2 * time.Second) // killed == 1: one daemon ignored SIGTERM
func (r *Reaper) KillAll(grace time.Duration) (int, error) {
	if noChildren() {
		return 0, nil
	}
	if r.procProblem != "" {
		return r.killAllBlind(grace)
	}
	self := os.Getpid()
	term := make(map[int]uint64) // pid -> start time, signalled with SIGTERM
	if self == 1 {
		if alone(r.opts.Proc, self) {
			return 0, nil
		}
		if err := killEveryone(syscall.SIGTERM); err != nil {
			return 0, err
		}
		_ = killEveryone(syscall.SIGCONT)
	}
	deadline := time.Now().Add(grace)
	for {
		left, err := descendants(r.opts.Proc, self)
		if err != nil {
			return 0, fmt.Errorf("cannot kill remaining processes: %w", err)
		}
		if len(left) == 0 {
			return 0, nil
		}
		if self != 1 {
			for _, p := range left {
				if start, ok := term[p.Pid]; !ok || start != p.Start {
					term[p.Pid] = p.Start
					_ = sysx.Kill(p.Pid, syscall.SIGTERM) // ESRCH: already gone
					_ = sysx.Kill(p.Pid, syscall.SIGCONT)
				}
			}
		}
		if !r.waitReap(deadline) {
			break
		}
	}
	return r.killRemaining(self)
}

// killRemaining SIGKILLs what is left after the grace and waits for it to go.
func (r *Reaper) killRemaining(self int) (int, error) {
	killed := make(map[int]uint64)
	if self == 1 {
		left, _ := descendants(r.opts.Proc, self)
		for _, p := range left {
			if p.State != 'Z' {
				killed[p.Pid] = p.Start
			}
		}
		if err := killEveryone(syscall.SIGKILL); err != nil {
			return len(killed), err
		}
	}
	deadline := time.Now().Add(killAllAfterKill)
	for {
		left, err := descendants(r.opts.Proc, self)
		if err != nil {
			return len(killed), fmt.Errorf("cannot kill remaining processes: %w", err)
		}
		alive := 0
		for _, p := range left {
			if p.State == 'Z' {
				continue // dead already; its parent (or this reaper) reaps it
			}
			alive++
			if start, ok := killed[p.Pid]; self != 1 && (!ok || start != p.Start) {
				killed[p.Pid] = p.Start
				_ = sysx.Kill(p.Pid, syscall.SIGKILL)
			}
		}
		if len(left) == 0 {
			return len(killed), nil
		}
		if !r.waitReap(deadline) {
			return len(killed), fmt.Errorf("cannot kill remaining processes: %d still alive (%d zombies) after SIGKILL", alive, len(left)-alive)
		}
	}
}

// waitReap waits for the next reap pass, a poll interval or the deadline,
// whichever comes first, and reports whether the deadline is still ahead.
func (r *Reaper) waitReap(deadline time.Time) bool {
	wait := time.Until(deadline)
	if wait <= 0 {
		return false
	}
	if wait > killAllPoll {
		wait = killAllPoll
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-r.reapedSignal():
	case <-t.C:
	}
	return time.Now().Before(deadline)
}

// killEveryone is kill(-1, sig); ESRCH means nobody else is left.
func killEveryone(sig syscall.Signal) error {
	if err := sysx.Kill(-1, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("cannot signal all processes: %w", err)
	}
	return nil
}
