package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// orphanStamp is where the helper writes the instant all its orphans have
// exited, just before it exits itself.
const orphanStamp = "/tmp/orphans.stamp"

// zombieResult is one init's handling of a burst of orphans.
type zombieResult struct {
	leftAt1s int           // zombie children of PID 1 one second after the hand-over
	cleared  time.Duration // hand-over to zero zombies, when reached
	ok       bool          // zero was reached within -zombie-wait
	left     int           // zombies still there at the end of the wait
	exitTook time.Duration // from the stamp to the parent seen gone: the kernel's share
}

// measureZombies: one program runs the helper, which forks -orphans copies
// of busybox true, waits until all have exited and exits unreaped, handing
// every zombie to PID 1 at once; the program then execs `sleep 1000`, so
// every init (tini and dumb-init included) keeps running. From the host,
// PID 1's children are counted until no zombie is left.
func (b *bench) measureZombies(t *table) {
	left := map[peerKind]string{}
	cleared := map[peerKind]string{}
	for _, p := range b.peers {
		if p.missing != "" {
			continue
		}
		r, err := b.zombiesOnce(p)
		if err != nil {
			left[p.kind], cleared[p.kind] = failed(err), failed(err)
			continue
		}
		left[p.kind] = fmtCount(float64(r.leftAt1s))
		if r.ok {
			cleared[p.kind] = fmt.Sprintf("%s (%s orphans/s)", fmtDur(r.cleared), fmtCount(float64(b.cfg.orphans)/r.cleared.Seconds()))
		} else {
			cleared[p.kind] = fmt.Sprintf("not within %s (%s left)", fmtDur(b.cfg.zombieWait), fmtCount(float64(r.left)))
		}
		b.progress("%s: %s zombies after 1 s, cleared: %s (parent's exit took %s after its stamp)", p.kind, left[p.kind], cleared[p.kind], fmtDur(r.exitTook))
	}
	t.add(fmt.Sprintf("zombies left 1 s after %s orphans exited", fmtCount(float64(b.cfg.orphans))), "appstart 0", left)
	t.add("from the orphans' hand-over to PID 1 (their parent's exit) to zero zombies", "appstart ≤ 5 ms", cleared)
}

func (b *bench) zombiesOnce(p peer) (zombieResult, error) {
	script := shellJoin(helperArgv("doublefork", strconv.Itoa(b.cfg.orphans), orphanStamp, "/bin/busybox", "true")) + "; exec sleep 1000"
	j := job{programs: []program{{name: "orphans", argv: []string{"/bin/sh", "-c", script}}}}
	in, err := b.launch(p, j, nil)
	if err != nil {
		return zombieResult{}, err
	}
	defer in.Close()
	pid1 := in.Pid1()

	// The helper's host pid, found while it forks: its exit is the hand-over.
	helper := 0
	err = waitFor("the orphans' parent", 30*time.Second, time.Millisecond, func() bool {
		kids, _ := b.proc.descendants(pid1)
		for _, k := range kids {
			// A child forked by a Go init (the no-reap one) bears the
			// helper's name until its exec: only the command line tells
			// the doublefork helper apart.
			if k.Comm == "compare-helper" && b.proc.hasArg(k.Pid, "doublefork") {
				helper = k.Pid
				return true
			}
		}
		return false
	})
	if err != nil {
		return zombieResult{}, err
	}
	var stamped int64
	stamp := in.HostPath(orphanStamp)
	err = waitFor("the orphans' exit", 3*time.Minute, 5*time.Millisecond, func() bool {
		data, err := os.ReadFile(stamp)
		if err != nil {
			return false
		}
		stamped, err = strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
		return err == nil
	})
	if err != nil {
		return zombieResult{}, fmt.Errorf("%w (stderr: %s)", err, lastLine(in.Stderr()))
	}
	// The hand-over is the parent's exit as seen from here (within a poll,
	// ~0.1 ms), not its stamp: the exit itself takes the kernel a while
	// with 10,000 children (and a race-enabled helper sleeps 1 s in
	// TSan's atexit), which is no init's doing.
	err = waitFor("the orphans' parent exit", 30*time.Second, 100*time.Microsecond, func() bool {
		return b.proc.exitedAs(helper, "compare-helper")
	})
	if err != nil {
		return zombieResult{}, err
	}
	handOver := monotonicNow()
	r := zombieResult{exitTook: time.Duration(handOver - stamped)}
	counted := false
	for {
		kids, err := b.proc.children(pid1)
		now := monotonicNow()
		if err != nil {
			return r, fmt.Errorf("cannot watch PID 1: %w", err)
		}
		// A few live children at most (the program, supervisord's own);
		// only then is it worth a stat of each.
		if len(kids) <= 16 && countZombies(b.proc, kids) == 0 {
			r.cleared, r.ok = time.Duration(now-handOver), true
			break
		}
		if !counted && now >= handOver+int64(time.Second) {
			r.leftAt1s, counted = countZombies(b.proc, kids), true
		}
		if now >= handOver+int64(b.cfg.zombieWait) {
			r.left = countZombies(b.proc, kids)
			break
		}
		// Each look reads PID 1's whole child list, which costs CPU the
		// reaper needs on a small machine: look every 2% of the time so
		// far, at least every millisecond.
		time.Sleep(max(time.Millisecond, time.Duration(now-handOver)/50))
	}
	if !counted {
		if wait := time.Duration(handOver + int64(time.Second) - monotonicNow()); wait > 0 {
			time.Sleep(wait)
		}
		if r.leftAt1s, err = b.proc.zombieChildren(pid1); err != nil {
			return r, err
		}
	}
	return r, nil
}

func countZombies(p procFS, pids []int) int {
	n := 0
	for _, pid := range pids {
		if st, err := p.stat(pid); err == nil && st.State == 'Z' {
			n++
		}
	}
	return n
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
