package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
		kind  peerKind
		argv  []string
		times []time.Duration
		err   error
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
			d, err := timeRun(c.argv)
			if err != nil {
				c.err = err
				continue
			}
			if round >= warmup {
				c.times = append(c.times, d)
			}
		}
	}
	direct := cmds[0]
	if direct.err != nil {
		for _, c := range cmds[1:] {
			cells[c.kind] = failed(fmt.Errorf("cannot run true directly: %w", direct.err))
		}
	} else {
		base := median(direct.times)
		var floor time.Duration
		for _, c := range cmds[1:] {
			if c.kind == kindGoFloor && c.err == nil {
				floor = median(c.times)
			}
		}
		for _, c := range cmds[1:] {
			if c.err != nil {
				cells[c.kind] = failed(c.err)
				continue
			}
			m := median(c.times)
			cells[c.kind] = fmt.Sprintf("%s (%s vs %s)", fmtRatio(float64(m)/float64(base)), fmtDur(m), fmtDur(base))
			if c.kind == kindAppstart && floor > 0 {
				cells[c.kind] += fmt.Sprintf("; go-floor %+.2f ms", float64(m-floor)/1e6)
			}
			b.progress("%s: %s", c.kind, cells[c.kind])
		}
	}
	t.add(fmt.Sprintf("start to exec: wall time of `INIT true` vs `true` under `unshare --pid --fork --mount-proc`, median of %d", b.cfg.latencyRuns),
		"appstart ≤ go-floor + 1 ms (issue 19)", cells)
}

// timeRun runs argv to its end and times it. The driver runs outside any
// container, so os/exec's Run is the right tool (appstart itself never
// uses it). Output is discarded, as hyperfine does.
func timeRun(argv []string) (time.Duration, error) {
	c := exec.Command(argv[0], argv[1:]...)
	start := time.Now()
	err := c.Run()
	d := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("cannot run %q: %w", argv, err)
	}
	return d, nil
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
