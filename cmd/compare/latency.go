package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// unshareArgv makes argv PID 1 of a fresh PID namespace with its own /proc.
func unshareArgv(argv ...string) []string {
	return append([]string{"unshare", "--pid", "--fork", "--mount-proc"}, argv...)
}

// measureLatency times `unshare ... INIT true` against `unshare ... true`:
// the init's start, the program's exec and exit, the init's exit. The
// commands are interleaved round by round, so a teammate's build slowing the
// machine for a while slows every init alike. supervisord cannot do the job:
// it never exits when its program ends.
func (b *bench) measureLatency(t *table) {
	cells := map[peerKind]string{}
	dir, err := os.MkdirTemp("", "compare-latency-")
	if err != nil {
		t.add("start to exec", "", map[peerKind]string{kindAppstart: failed(err)})
		return
	}
	defer os.RemoveAll(dir)
	spec := filepath.Join(dir, "appstart.toml")
	j := job{programs: []program{{name: "t", argv: []string{"/bin/true"}}}, oneShot: true}
	if err := os.WriteFile(spec, []byte(appstartSpec(j)), 0o644); err != nil {
		t.add("start to exec", "", map[peerKind]string{kindAppstart: failed(err)})
		return
	}
	type cmd struct {
		kind        peerKind
		argv        []string
		times, cpus []time.Duration
		err         error
	}
	cmds := []*cmd{{kind: kindDirect, argv: unshareArgv("/bin/true")}}
	for _, p := range b.peers {
		if p.missing == "" && p.kind != kindSupervisord {
			// Each init runs from a fresh copy, so all start from a binary
			// in the same page-cache state: one whose cache was dropped (the
			// chown rows do, and go-floor is built anew each run) and read
			// back by faults measured up to 0.4 ms slower to start.
			fresh, err := copyFile(p.path, filepath.Join(dir, string(p.kind)))
			if err != nil {
				cells[p.kind] = failed(err)
				continue
			}
			p.path = fresh
		}
		var argv []string
		switch {
		case p.missing != "":
			continue
		case p.kind == kindAppstart:
			argv = unshareArgv(p.path, "run", "--config", spec)
		case p.kind == kindGoFloor:
			argv = unshareArgv(p.path, spec)
		case p.kind == kindTini:
			argv = unshareArgv(p.path, "--", "/bin/true")
		case p.kind == kindDumbInit:
			argv = unshareArgv(p.path, "/bin/true")
		case p.kind == kindSupervisord:
			cells[p.kind] = "n/a: it never exits when its program ends"
			continue
		}
		cmds = append(cmds, &cmd{kind: p.kind, argv: argv})
	}
	const warmup = 3
	for round := 0; round < warmup+b.cfg.latencyRuns; round++ {
		for i := range cmds {
			c := cmds[(round+i)%len(cmds)] // rotate who goes first
			if c.err != nil {
				continue
			}
			d, cpu, err := timeRunCPU(c.argv)
			if err != nil {
				c.err = err
				continue
			}
			if round >= warmup {
				c.times = append(c.times, d)
				c.cpus = append(c.cpus, cpu)
			}
		}
	}
	direct := cmds[0]
	if direct.err != nil {
		for _, c := range cmds[1:] {
			cells[c.kind] = failed(fmt.Errorf("cannot run true directly: %w", direct.err))
		}
	} else {
		direct := latencyRun{median(direct.times), median(direct.cpus)}
		var floor latencyRun
		for _, c := range cmds[1:] {
			if c.kind == kindGoFloor && c.err == nil {
				floor = latencyRun{median(c.times), median(c.cpus)}
			}
		}
		for _, c := range cmds[1:] {
			if c.err != nil {
				cells[c.kind] = failed(c.err)
				continue
			}
			var vs latencyRun // go-floor, for appstart's cell only
			if c.kind == kindAppstart {
				vs = floor
			}
			cells[c.kind] = latencyCell(latencyRun{median(c.times), median(c.cpus)}, direct, vs)
			b.progress("%s: %s", c.kind, cells[c.kind])
		}
	}
	t.add(fmt.Sprintf("start to exec: wall time of `INIT true` vs `true` under `unshare --pid --fork --mount-proc`, and the CPU time the init used (the run's less true's), medians of %d", b.cfg.latencyRuns),
		"appstart ≤ go-floor + 1 ms (issue 19)", cells)
}

// latencyRun is one command's medians: wall time, and CPU time of the
// whole process tree (unshare's, which includes what it waited for).
type latencyRun struct{ wall, cpu time.Duration }

// latencyCell is an init's start-to-exec cell: its wall time against
// running true directly, and the CPU time the init itself used (the run's
// less the direct run's). Given go-floor's run (vs.wall > 0), it adds the
// distance from it, in time and as a ratio: when the machine starts
// processes slowly every cost grows, the distance with them, the ratio far
// less.
//
//	2.69× (5.75 ms vs 2.14 ms), init CPU 3.10 ms; go-floor +1.22 ms (1.27×), its init CPU 2.00 ms
func latencyCell(run, direct, vs latencyRun) string {
	cell := fmt.Sprintf("%s (%s vs %s), init CPU %s", fmtRatio(float64(run.wall)/float64(direct.wall)),
		fmtDur(run.wall), fmtDur(direct.wall), fmtDur(run.cpu-direct.cpu))
	if vs.wall > 0 {
		cell += fmt.Sprintf("; go-floor %+.2f ms (%.2f×), its init CPU %s", float64(run.wall-vs.wall)/1e6,
			float64(run.wall)/float64(vs.wall), fmtDur(vs.cpu-direct.cpu))
	}
	return cell
}

// timeRun runs argv to its end and times it. The driver runs outside any
// container, so os/exec's Run is the right tool (appstart itself never
// uses it). Output is discarded, as hyperfine does.
func timeRun(argv []string) (time.Duration, error) {
	d, _, err := timeRunCPU(argv)
	return d, err
}

// timeRunCPU is timeRun that also gives the CPU time (user and system) of
// the command and of every process it waited for.
func timeRunCPU(argv []string) (wall, cpu time.Duration, err error) {
	c := exec.Command(argv[0], argv[1:]...)
	start := time.Now()
	err = c.Run()
	wall = time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("cannot run %q: %w", argv, err)
	}
	if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
		cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return wall, cpu, nil
}

// copyFile copies the executable src to dst and returns dst.
func copyFile(src, dst string) (string, error) {
	b, err := os.ReadFile(src)
	if err != nil {
		return "", fmt.Errorf("cannot copy %s: %w", src, err)
	}
	if err := os.WriteFile(dst, b, 0o755); err != nil {
		return "", fmt.Errorf("cannot copy %s: %w", src, err)
	}
	return dst, nil
}
