package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"appstart/runtime/harness"
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
	handOver int64         // CLOCK_MONOTONIC ns when the parent was seen gone
	cpu      time.Duration // PID 1's CPU time from the hand-over to zero zombies
	rt       bool          // the observer ran at real-time priority
	reads    int           // full reads of PID 1's child list
	oomKills int           // PID 1 died, and the container's memory cgroup counted this many OOM kills
	lost     time.Duration // from the hand-over to the read that found PID 1 gone
	memLimit int64         // the container's memory limit (RAM+swap), when PID 1 was OOM-killed
}

// measureZombies runs the burst of orphans -zombie-runs times per init, in
// rounds that rotate who goes first, and reports each init's median with its
// range and its median ratio to tini's run of the same round: a teammate's
// build slowing the machine for a while then slows every init alike. An init
// that does not clear the burst within -zombie-wait is not run again (it
// would cost the whole wait each round for the same answer).
//
// One program runs the helper, which forks -orphans copies of busybox true,
// waits until all have exited and exits unreaped, handing every zombie to
// PID 1 at once; the program then execs `sleep 1000`, so every init (tini
// and dumb-init included) keeps running: the same workload under every init.
func (b *bench) measureZombies(t *table) {
	type runs struct {
		peer    peer
		results []zombieResult
		err     error
		done    bool // failed, or did not clear: not run again
	}
	var all []*runs
	for _, p := range b.peers {
		if p.missing == "" {
			all = append(all, &runs{peer: p})
		}
	}
	n := max(1, b.cfg.zombieRuns)
	for round := 0; round < n; round++ {
		for i := range all {
			r := all[(round+i)%len(all)] // rotate who goes first
			if r.done {
				continue
			}
			res, err := b.zombiesOnce(r.peer)
			if err != nil {
				r.err, r.done = err, true
				b.progress("%s, run %d: %v", r.peer.kind, round+1, err)
				continue
			}
			r.results = append(r.results, res)
			r.done = !res.ok
			if res.oomKills > 0 {
				b.progress("%s, run %d: PID 1 gone %s after the hand-over, %d OOM kills in its memory cgroup", r.peer.kind, round+1, fmtDur(res.lost), res.oomKills)
				continue
			}
			if !res.rt {
				b.progress("the observer could not run at real-time priority: its wake-ups may come late under load")
			}
			if res.ok {
				b.progress("%s, run %d: cleared in %s, PID 1's CPU time %s, %d zombies after 1 s (parent's exit took %s after its stamp; %d reads of PID 1's children)",
					r.peer.kind, round+1, fmtDur(res.cleared), fmtDur(res.cpu), res.leftAt1s, fmtDur(res.exitTook), res.reads)
			} else {
				b.progress("%s, run %d: not cleared within %s (%d left)", r.peer.kind, round+1, fmtDur(b.cfg.zombieWait), res.left)
			}
		}
	}
	var tini []zombieResult
	for _, r := range all {
		if r.peer.kind == kindTini {
			tini = r.results
		}
	}
	left := map[peerKind]string{}
	cleared := map[peerKind]string{}
	cpu := map[peerKind]string{}
	for _, r := range all {
		k := r.peer.kind
		if len(r.results) == 0 {
			left[k], cleared[k], cpu[k] = failed(r.err), failed(r.err), failed(r.err)
			continue
		}
		if last := r.results[len(r.results)-1]; last.oomKills > 0 {
			left[k] = fmt.Sprintf("PID 1 killed by the OOM killer within %s of the hand-over: the zombies it had not reaped filled the container's %s memory cgroup", fmtDur(last.lost), fmtSize(last.memLimit))
			cleared[k], cpu[k] = "never: PID 1 was killed", "n/a"
			continue
		}
		worst := 0
		for _, res := range r.results {
			worst = max(worst, res.leftAt1s)
		}
		left[k] = fmtCount(float64(worst))
		last := r.results[len(r.results)-1]
		if !last.ok {
			cleared[k] = fmt.Sprintf("not within %s (%s left)", fmtDur(b.cfg.zombieWait), fmtCount(float64(last.left)))
			cpu[k] = "n/a"
			continue
		}
		wall := func(r zombieResult) time.Duration { return r.cleared }
		cpuOf := func(r zombieResult) time.Duration { return r.cpu }
		cleared[k] = fmtVsTini(r.results, tini, k == kindTini, wall)
		cpu[k] = fmtVsTini(r.results, tini, k == kindTini, cpuOf)
		if r.err != nil {
			cleared[k] += fmt.Sprintf(" (then %s)", failed(r.err))
		}
		b.progress("%s: %s; PID 1's CPU time %s", k, cleared[k], cpu[k])
	}
	t.add(fmt.Sprintf("zombies left 1 s after %s orphans exited (worst run)", fmtCount(float64(b.cfg.orphans))), "appstart 0", left)
	t.add(fmt.Sprintf("from the orphans' hand-over to PID 1 (their parent's exit) to zero zombies, median of %d interleaved runs (range)", n),
		"appstart ≤ 1.2× tini (issue 19)", cleared)
	t.add("PID 1's CPU time over that span (what the wall time costs; load from elsewhere stretches it far less), median (range)", "—", cpu)
}

// fmtVsTini is "145 ms (120 ms–160 ms), 1.05× tini": the median of the
// figure, its range, and the median of its ratios to tini's run of the
// same round.
func fmtVsTini(rs, tini []zombieResult, isTini bool, figure func(zombieResult) time.Duration) string {
	var ds []time.Duration
	var ratios []float64
	for i, r := range rs {
		ds = append(ds, figure(r))
		if i < len(tini) && tini[i].ok && figure(tini[i]) > 0 {
			ratios = append(ratios, float64(figure(r))/float64(figure(tini[i])))
		}
	}
	sorted := append([]time.Duration(nil), ds...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	s := fmt.Sprintf("%s (%s–%s)", fmtDur(median(ds)), fmtDur(sorted[0]), fmtDur(sorted[len(sorted)-1]))
	if !isTini && len(ratios) > 0 {
		s += ", " + fmtRatio(medianF(ratios)) + " tini"
	}
	return s
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
	r, err := observe(helper, func(o *observer) (zombieResult, error) { return b.watchZombies(o, pid1) })
	if err != nil {
		// An init that never reaps keeps every zombie's kernel memory
		// charged to the container: the memory cgroup's OOM killer then
		// takes PID 1 itself (supervisord), which is the result, not a
		// failure of the measurement.
		if _, statErr := b.proc.stat(pid1); statErr != nil { // PID 1 is gone
			if n, oerr := oomKillsIn(in.Cgroup()); oerr == nil && n > 0 {
				r.oomKills, r.memLimit = n, max(in.Cgroup().Total, in.Cgroup().RAM)
				return r, nil
			}
		}
		return r, err
	}
	data, err := os.ReadFile(in.HostPath(orphanStamp))
	if err != nil {
		return r, fmt.Errorf("the orphans' parent left no stamp: %w (stderr: %s)", err, lastLine(in.Stderr()))
	}
	stamped, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	if err != nil {
		return r, fmt.Errorf("cannot parse the stamp %q: %w", data, err)
	}
	r.exitTook = time.Duration(r.handOver - stamped)
	return r, nil
}

// watchZombies runs on the observer's thread (watch.go). The hand-over is
// the orphans' parent's exit, seen through its pidfd: the exit itself takes
// the kernel a while with 10,000 children (and a race-enabled helper sleeps
// 1 s in TSan's atexit), which is no init's doing. Then it waits for PID 1
// to have no zombie child left.
//
// Reading PID 1's whole child list costs CPU the reaper needs on a small
// machine and takes the tasklist lock that reaping takes too, so between
// full reads it only stats the zombie to be reaped last: wait4(-1) takes
// the first zombie of the list (kernel/exit.c, do_wait_thread), and orphans
// are appended to its tail. Only a full read decides; the stat says when
// one is worth it. An init that reaps in another order gets full reads
// spaced at 2% of the time so far, as before.
func (b *bench) watchZombies(o *observer, pid1 int) (zombieResult, error) {
	// PID 1 idles while the helper forks (the orphans are not its children
	// yet), so its CPU time read now is the one at the hand-over, without
	// delaying the watch by a read of each of its threads.
	cpu0, err := b.proc.cpuTime(pid1)
	if err != nil {
		return zombieResult{}, err
	}
	if err := o.waitExit(3 * time.Minute); err != nil {
		return zombieResult{}, fmt.Errorf("the orphans' parent: %w", err)
	}
	handOver := monotonicNow()
	r := zombieResult{handOver: handOver, rt: o.rt}
	at1s, end := handOver+int64(time.Second), handOver+int64(b.cfg.zombieWait)
	counted := false
	tail := 0       // the zombie that should be reaped last; 0: none watched
	missed := false // the tail went before the others: this init reaps in another order
	nextFull := handOver
	for {
		now := monotonicNow()
		full := tail == 0 && now >= nextFull || !counted && now >= at1s || now >= end
		byTail := false
		if tail != 0 && !full {
			if st, err := b.proc.stat(tail); err != nil || st.State != 'Z' {
				// Reaped (its pid may already be someone else's).
				full, byTail, tail = true, true, 0
			}
		}
		if full {
			kids, err := b.proc.children(pid1)
			now = monotonicNow()
			r.reads++
			if err != nil {
				r.lost = time.Duration(now - handOver)
				return r, fmt.Errorf("cannot watch PID 1: %w", err)
			}
			// A few live children at most (the program, supervisord's
			// own); only then is it worth a stat of each.
			if len(kids) <= 16 && countZombies(b.proc, kids) == 0 {
				r.cleared, r.ok = time.Duration(now-handOver), true
				cpu1, err := b.proc.cpuTime(pid1)
				if err != nil {
					return r, err
				}
				r.cpu = cpu1 - cpu0
				break
			}
			if !counted && now >= at1s {
				r.leftAt1s, counted = countZombies(b.proc, kids), true
			}
			if now >= end {
				r.left = countZombies(b.proc, kids)
				break
			}
			missed = missed || byTail
			if tail == 0 && !missed {
				tail = lastZombie(b.proc, kids)
			}
			nextFull = now + max(int64(time.Millisecond), (now-handOver)/50)
		}
		o.sleep(250 * time.Microsecond)
	}
	if !counted {
		if wait := time.Duration(at1s - monotonicNow()); wait > 0 {
			time.Sleep(wait)
		}
		if r.leftAt1s, err = b.proc.zombieChildren(pid1); err != nil {
			return r, err
		}
	}
	return r, nil
}

// lastZombie is the last zombie of PID 1's child list, or 0. Live children
// are few and come first, so a look at the last few entries finds it.
func lastZombie(p procFS, kids []int) int {
	for i := len(kids) - 1; i >= 0 && i >= len(kids)-32; i-- {
		if st, err := p.stat(kids[i]); err == nil && st.State == 'Z' {
			return kids[i]
		}
	}
	return 0
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

// oomKillsIn is how many processes the OOM killer has killed in the
// container's memory cgroup: "oom_kill N" in memory.oom_control (v1) or
// memory.events (v2).
func oomKillsIn(cg harness.Cgroup) (int, error) {
	file := "memory.oom_control"
	if cg.Version == 2 {
		file = "memory.events"
	}
	data, err := os.ReadFile(filepath.Join(cg.Memory, file))
	if err != nil {
		return 0, err
	}
	return oomKills(string(data))
}

func oomKills(text string) (int, error) {
	for line := range strings.Lines(text) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "oom_kill "); ok {
			return strconv.Atoi(v)
		}
	}
	return 0, fmt.Errorf("no oom_kill line in %q", text)
}
