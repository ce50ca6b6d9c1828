package main

import (
	"fmt"
	"syscall"
	"time"
)

// stopResult is one SIGTERM sent to PID 1.
type stopResult struct {
	took   time.Duration
	exited bool // false: PID 1 still ran when the wait ended
	code   int
}

// stopOnce launches j under p, waits until n processes named comm run,
// sends SIGTERM to PID 1 and times until PID 1 has ended. When PID 1 ends,
// the kernel kills whatever is left in its namespace, so its end is the
// moment everything is dead.
func (b *bench) stopOnce(p peer, j job, comm string, n int, wait time.Duration) (stopResult, error) {
	in, err := b.launch(p, j, nil)
	if err != nil {
		return stopResult{}, err
	}
	defer in.Close()
	if err := b.waitForComm(in.Pid1(), comm, n); err != nil {
		return stopResult{}, err
	}
	start := time.Now()
	if err := in.Signal(syscall.SIGTERM); err != nil {
		return stopResult{}, err
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-in.Done():
		took := time.Since(start)
		r, _ := in.Wait(0)
		return stopResult{took: took, exited: true, code: r.ExitCode}, nil
	case <-timer.C:
		return stopResult{took: wait}, nil
	}
}

// runsFor is how many runs p gets: supervisord takes seconds per stop.
func (b *bench) runsFor(p peer, runs int) int {
	if p.kind == kindSupervisord && b.cfg.slowRuns < runs {
		return b.cfg.slowRuns
	}
	return runs
}

// measureTerm: SIGTERM to the end of PID 1 with one cooperative program,
// `sleep 1000`, which dies of SIGTERM. Runs are interleaved across inits.
func (b *bench) measureTerm(t *table) {
	j := job{programs: []program{{name: "s", argv: []string{"sleep", "1000"}}}}
	times := map[peerKind][]time.Duration{}
	codes := map[peerKind]map[int]bool{}
	cells := map[peerKind]string{}
	for i := 0; i < b.cfg.termRuns; i++ {
		for _, p := range b.peers {
			if p.missing != "" || cells[p.kind] != "" || i >= b.runsFor(p, b.cfg.termRuns) {
				continue
			}
			r, err := b.stopOnce(p, j, "sleep", 1, 30*time.Second)
			switch {
			case err != nil:
				cells[p.kind] = failed(err)
			case !r.exited:
				cells[p.kind] = "did not exit within 30 s"
			default:
				times[p.kind] = append(times[p.kind], r.took)
				if codes[p.kind] == nil {
					codes[p.kind] = map[int]bool{}
				}
				codes[p.kind][r.code] = true
			}
		}
	}
	for _, p := range b.peers {
		if ds := times[p.kind]; cells[p.kind] == "" && len(ds) > 0 {
			cells[p.kind] = fmt.Sprintf("%s (exit %s, n=%d)", fmtDur(median(ds)), fmtCodes(codes[p.kind]), len(ds))
			b.progress("%s: %s", p.kind, cells[p.kind])
		}
	}
	t.add("SIGTERM to exit of PID 1, one cooperative program (`sleep 1000`), median", "appstart ≤ 5 ms", cells)
}

// measureKill: a program that ignores SIGTERM, with a child that ignores it
// too. appstart and supervisord get stopwaitsecs = 1 and must SIGKILL the
// group; tini and dumb-init forward the signal and wait forever.
func (b *bench) measureKill(t *table) {
	const stopWait = time.Second
	j := job{
		programs: []program{{name: "stubborn", argv: []string{"/bin/sh", "-c", "trap '' TERM; sleep 1000 & exec sleep 1000"}}},
		stopWait: stopWait,
	}
	times := map[peerKind][]time.Duration{}
	cells := map[peerKind]string{}
	for i := 0; i < b.cfg.killRuns; i++ {
		for _, p := range b.peers {
			kills := p.kind == kindAppstart || p.kind == kindSupervisord
			if p.missing != "" || cells[p.kind] != "" || i >= b.runsFor(p, b.cfg.killRuns) || (!kills && i > 0) {
				continue
			}
			wait := b.cfg.neverWait
			if kills {
				wait = stopWait + 30*time.Second
			}
			r, err := b.stopOnce(p, j, "sleep", 2, wait)
			switch {
			case err != nil:
				cells[p.kind] = failed(err)
			case !r.exited:
				cells[p.kind] = fmt.Sprintf("never (all still running %s after SIGTERM; killed by the kernel when PID 1 exits)", fmtDur(wait))
			default:
				times[p.kind] = append(times[p.kind], r.took)
			}
		}
	}
	for _, p := range b.peers {
		if ds := times[p.kind]; cells[p.kind] == "" && len(ds) > 0 {
			cells[p.kind] = fmt.Sprintf("%s (n=%d)", fmtDur(median(ds)), len(ds))
		}
		b.progress("%s: %s", p.kind, cells[p.kind])
	}
	t.add("program ignoring SIGTERM (and its child): SIGTERM to everything dead, stopwaitsecs = 1, median", "appstart ≤ 1.05 s", cells)
}

// fmtCodes lists the exit codes seen: "0", or "0/143".
func fmtCodes(codes map[int]bool) string {
	s := ""
	for c := 0; c < 256; c++ {
		if codes[c] {
			if s != "" {
				s += "/"
			}
			s += fmt.Sprint(c)
		}
	}
	return s
}
