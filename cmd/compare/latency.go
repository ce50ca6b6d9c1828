package main

import (
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// unshareArgv makes argv PID 1 of a fresh PID namespace with its own /proc.
func unshareArgv(argv ...string) []string {
	return append([]string{"unshare", "--pid", "--fork", "--mount-proc"}, argv...)
}

// measureLatency times `unshare ... INIT true` against `unshare ... true`
// two ways: to the program's exec (the kernel's process events, execWatch),
// and to the end of the run (the init's start, the program's exec and
// exit, the init's exit). The commands are interleaved round by round, so a
// teammate's build slowing the machine for a while slows every init alike.
// supervisord cannot do the job: it never exits when its program ends.
//
// Each init runs from two copies of its binary, whose page cache was filled
// two ways (binState): the start of an executable costs more when the pages
// it faults in sit in the cache one by one than in 64 KiB folios.
func (b *bench) measureLatency(t *table) {
	cells := [2]map[peerKind]string{{}, {}}  // to the end of the run
	toExec := [2]map[peerKind]string{{}, {}} // to the program's exec
	fail := func(err error) {
		for i := range cells {
			cells[i][kindAppstart] = failed(err)
			toExec[i][kindAppstart] = failed(err)
		}
		b.addLatencyRows(t, toExec, cells)
	}
	watch, watchErr := openExecWatch()
	if watchErr == nil {
		defer watch.Close()
	}
	// On the disk, not in /tmp: a tmpfs's pages are its storage, so they
	// cannot be dropped and read back.
	dir, err := os.MkdirTemp("/var/tmp", "compare-latency-")
	if err != nil {
		fail(err)
		return
	}
	defer os.RemoveAll(dir)
	spec := filepath.Join(dir, "appstart.toml")
	j := job{programs: []program{{name: "t", argv: []string{"/bin/true"}}}, oneShot: true}
	if err := os.WriteFile(spec, []byte(appstartSpec(j)), 0o644); err != nil {
		fail(err)
		return
	}
	defer b.leaveHostAsFound(spec)()
	type cmd struct {
		kind               peerKind
		state              binState
		argv               []string
		depth              int // forks from the run's process to true's
		times, cpus, execs []time.Duration
		err, execErr       error
	}
	cmds := []*cmd{{kind: kindDirect, argv: unshareArgv("/bin/true"), depth: 1, execErr: watchErr}}
	for _, p := range b.peers {
		if p.missing != "" {
			continue
		}
		if p.kind == kindSupervisord {
			for i := range cells {
				cells[i][p.kind] = "n/a: never exits when its program ends"
				toExec[i][p.kind] = cells[i][p.kind]
			}
			continue
		}
		for _, state := range []binState{written, readBack} {
			bin, err := state.copy(p.path, filepath.Join(dir, fmt.Sprintf("%s-%d", p.kind, state)))
			if err != nil {
				cells[state][p.kind] = failed(err)
				continue
			}
			var argv []string
			switch p.kind {
			case kindAppstart:
				argv = unshareArgv(bin, "run", "--config", spec)
			case kindGoFloor:
				argv = unshareArgv(bin, spec)
			case kindTini:
				argv = unshareArgv(bin, "--", "/bin/true")
			case kindDumbInit:
				argv = unshareArgv(bin, "/bin/true")
			}
			cmds = append(cmds, &cmd{kind: p.kind, state: state, argv: argv, depth: 2, execErr: watchErr})
		}
	}
	// The warm-up runs are the ones that read a dropped copy back.
	const warmup = 3
	for round := 0; round < warmup+b.cfg.latencyRuns; round++ {
		for i := range cmds {
			c := cmds[(round+i)%len(cmds)] // rotate who goes first
			if c.err != nil {
				continue
			}
			r, err := timeRunExec(c.argv, watch, c.depth)
			if err != nil {
				c.err = err
				continue
			}
			if round < warmup {
				continue
			}
			c.times = append(c.times, r.wall)
			c.cpus = append(c.cpus, r.cpu)
			switch {
			case c.execErr != nil: // a cell with a failed round fails
			case r.execErr != nil:
				c.execErr = r.execErr
			default:
				c.execs = append(c.execs, r.toExec)
			}
		}
	}
	direct := cmds[0]
	toEndRuns, toExecRuns := make([]series, 0, len(cmds)-1), make([]series, 0, len(cmds)-1)
	for _, c := range cmds[1:] {
		toEndRuns = append(toEndRuns, series{kind: c.kind, state: c.state, err: c.err,
			run: latencyRun{wall: median(c.times), cpu: median(c.cpus), times: c.times}})
		toExecRuns = append(toExecRuns, series{kind: c.kind, state: c.state, err: cmp.Or(c.err, c.execErr),
			run: latencyRun{wall: median(c.execs), times: c.execs}})
	}
	directToExec := series{err: cmp.Or(direct.err, direct.execErr), run: latencyRun{wall: median(direct.execs), times: direct.execs}}
	for _, line := range latencyCells(toExec, directToExec, toExecRuns, "to exec") {
		b.progress("%s", line)
	}
	directToEnd := series{err: direct.err, run: latencyRun{wall: median(direct.times), cpu: median(direct.cpus), times: direct.times}}
	for _, line := range latencyCells(cells, directToEnd, toEndRuns, "to the end") {
		b.progress("%s", line)
	}
	b.addLatencyRows(t, toExec, cells)
}

// series is one command's times (its medians and its rounds), or why they
// are not known.
type series struct {
	kind  peerKind
	state binState
	run   latencyRun
	err   error
}

// latencyCells fills the cells of one measure (to exec, or to the end):
// each init against true run directly, appstart also against go-floor in
// the same binary state. It returns a progress line per cell.
func latencyCells(cells [2]map[peerKind]string, direct series, inits []series, measure string) []string {
	var floor [2]latencyRun
	for _, s := range inits {
		if s.kind == kindGoFloor && s.err == nil {
			floor[s.state] = s.run
		}
	}
	var lines []string
	for _, s := range inits {
		switch {
		case direct.err != nil:
			cells[s.state][s.kind] = failed(fmt.Errorf("no time for true run directly: %w", direct.err))
		case s.err != nil:
			cells[s.state][s.kind] = failed(s.err)
		default:
			var vs latencyRun // go-floor, for appstart's cell only
			if s.kind == kindAppstart {
				vs = floor[s.state]
			}
			cells[s.state][s.kind] = latencyCell(s.run, direct.run, vs)
		}
		lines = append(lines, fmt.Sprintf("%s, %s, %s: %s", s.kind, s.state, measure, cells[s.state][s.kind]))
	}
	return lines
}

func (b *bench) addLatencyRows(t *table, toExec, toEnd [2]map[peerKind]string) {
	t.add(fmt.Sprintf("start to exec: from the fork of `unshare --pid --fork --mount-proc INIT true` to true's exec (the kernel's process events), vs `unshare ... true`, medians of %d; each init from a fresh copy of its binary (%s)", b.cfg.latencyRuns, written),
		"appstart ≤ go-floor + 1 ms (issue 19)", toExec[written])
	t.add(fmt.Sprintf("same, each binary's page cache dropped and filled again by its first runs (%s)", readBack),
		"—", toExec[readBack])
	t.add(fmt.Sprintf("start to end: wall time of `INIT true` vs `true` under `unshare --pid --fork --mount-proc` (the init's start, true's run, the init's end), and the CPU time the init used (the run's less true's), medians of %d (%s)", b.cfg.latencyRuns, written),
		"the target as the issue first measured it: appstart ≤ go-floor + 1 ms", toEnd[written])
	t.add(fmt.Sprintf("same, %s", readBack), "—", toEnd[readBack])
}

// binState is how the page cache holds an init's binary when it starts.
type binState int

const (
	// written: a fresh copy, its cache filled by write(2), in large
	// folios (64 KiB on this project's machines).
	written binState = iota
	// readBack: a copy whose cache was dropped, so the runs' page faults
	// read it back a page at a time, as exec leaves a binary read from
	// an image layer (and as the Go linker, writing through mmap, does).
	readBack
)

func (s binState) String() string {
	if s == readBack {
		return "read back by exec's page faults"
	}
	return "written by a copy"
}

// copy copies the executable src to dst in state s.
func (s binState) copy(src, dst string) (string, error) {
	if _, err := copyFile(src, dst); err != nil {
		return "", err
	}
	if s == readBack {
		if err := dropCache(dst); err != nil {
			return "", err
		}
	}
	return dst, nil
}

// latencyRun is one command's medians: wall time, and CPU time of the
// whole process tree (unshare's, which includes what it waited for); times
// are its wall times round by round.
type latencyRun struct {
	wall, cpu time.Duration
	times     []time.Duration
}

// latencyCell is an init's start-to-exec cell: its wall time against
// running true directly, and the CPU time the init itself used (the run's
// less the direct run's). Given go-floor's run (vs.wall > 0), it adds the
// distance from it, in time and as a ratio: when the machine starts
// processes slowly every cost grows, the distance with them, the ratio far
// less.
//
// When both have a time for every round, it adds the distance round by
// round: the median and quartiles of the differences of runs made one
// after the other, which a slow spell of the machine moves less than it
// moves either median.
//
//	2.69× (5.75 ms vs 2.14 ms), init CPU 3.10 ms; go-floor +1.22 ms (1.27×), its init CPU 2.00 ms; round by round +1.20 ms [+1.02, +1.41]
func latencyCell(run, direct, vs latencyRun) string {
	cell := fmt.Sprintf("%s (%s vs %s)", fmtRatio(float64(run.wall)/float64(direct.wall)), fmtDur(run.wall), fmtDur(direct.wall))
	if run.cpu > 0 {
		cell += fmt.Sprintf(", init CPU %s", fmtDur(run.cpu-direct.cpu))
	}
	if vs.wall > 0 {
		cell += fmt.Sprintf("; go-floor %+.2f ms (%.2f×)", float64(run.wall-vs.wall)/1e6, float64(run.wall)/float64(vs.wall))
		if vs.cpu > 0 {
			cell += fmt.Sprintf(", its init CPU %s", fmtDur(vs.cpu-direct.cpu))
		}
		if len(run.times) > 0 && len(run.times) == len(vs.times) {
			d := make([]time.Duration, len(run.times))
			for i := range d {
				d[i] = run.times[i] - vs.times[i]
			}
			slices.Sort(d)
			ms := func(x time.Duration) float64 { return float64(x) / 1e6 }
			cell += fmt.Sprintf("; round by round %+.2f ms [%+.2f, %+.2f]", ms(median(d)), ms(d[len(d)/4]), ms(d[len(d)*3/4]))
		}
	}
	return cell
}

// execRun is one run's times: to its end, the CPU its processes used, and
// from its fork to the program's exec (or why that is not known).
type execRun struct {
	wall, cpu, toExec time.Duration
	execErr           error
}

// timeRunExec runs argv to its end and times it, with the CPU time (user
// and system) of the command and of every process it waited for, and
// reads from w's process events when the process depth forks below the
// run's own exec'ed (w nil: not read). The driver runs outside any
// container, so os/exec's Run is the right tool (appstart itself never
// uses it). Output is discarded, as hyperfine does.
func timeRunExec(argv []string, w *execWatch, depth int) (execRun, error) {
	var r execRun
	c := exec.Command(argv[0], argv[1:]...)
	since := uint64(monotonicNow())
	start := time.Now()
	err := c.Run()
	r.wall = time.Since(start)
	if err != nil {
		return r, fmt.Errorf("cannot run %q: %w", argv, err)
	}
	if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if w == nil {
		return r, nil
	}
	evs, err := w.pending()
	if err != nil {
		r.execErr = err
		return r, nil
	}
	at, ok := execAt(evs, int32(c.Process.Pid), depth, since)
	if !ok {
		r.execErr = fmt.Errorf("no exec %d forks below %q in the process events", depth, argv)
		return r, nil
	}
	r.toExec = time.Duration(at - since)
	return r, nil
}

// timeRun runs argv to its end and times it.
func timeRun(argv []string) (time.Duration, error) {
	r, err := timeRunExec(argv, nil, 0)
	return r.wall, err
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

// dropCache writes path's pages out and drops them from the page cache,
// then checks that none is left (mincore(2)): a filesystem that keeps its
// pages (tmpfs) cannot be measured read back.
func dropCache(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fd := int(f.Fd())
	if err := unix.Fsync(fd); err != nil {
		return fmt.Errorf("cannot drop %s from the page cache: fsync: %w", path, err)
	}
	if err := unix.Fadvise(fd, 0, 0, unix.FADV_DONTNEED); err != nil {
		return fmt.Errorf("cannot drop %s from the page cache: fadvise: %w", path, err)
	}
	n, err := residentPages(f)
	if err != nil {
		return fmt.Errorf("cannot drop %s from the page cache: %w", path, err)
	}
	if n > 0 {
		return fmt.Errorf("cannot drop %s from the page cache: %d pages stayed (a tmpfs?)", path, n)
	}
	return nil
}

// residentPages counts f's pages in the page cache.
func residentPages(f *os.File) (int, error) {
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return 0, err
	}
	m, err := unix.Mmap(int(f.Fd()), 0, int(fi.Size()), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return 0, fmt.Errorf("mmap: %w", err)
	}
	defer unix.Munmap(m)
	vec := make([]byte, (len(m)+os.Getpagesize()-1)/os.Getpagesize())
	if _, _, e := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&m[0])), uintptr(len(m)), uintptr(unsafe.Pointer(&vec[0]))); e != 0 {
		return 0, fmt.Errorf("mincore: %w", e)
	}
	n := 0
	for _, v := range vec {
		n += int(v & 1)
	}
	return n, nil
}
