package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"appstart/runtime/harness"
)

// The helper's lines are "wID SEQ xxx...x\n", then "wID END\n".
var (
	endMarker  = []byte(" END\n")
	padPattern = []byte("xxxxxxxx")
)

// lineCheck is the verdict on a run's output.
type lineCheck struct {
	whole int // payload lines intact, with the right prefix
	lost  int // expected lines never seen
	torn  int // payload lines cut, joined or mis-prefixed
	dup   int // lines seen twice
	other int // lines that are not payload (an init's own messages)
}

// checkLines checks output against `writers` writers of `per` lines of
// `size` bytes (logLine), writer i's lines prefixed by prefixes[i]. A line
// counts as payload when it holds any part of one (the padding, a "wN "
// tag, the END marker); everything else is an init's own message.
//
// Example: checkLines("a | w0 00000000 xxx\nb | w1 00000000 xxx\n", 2, 1, 20,
// []string{"a | ", "b | "}) -> {whole: 2}.
func checkLines(out string, writers, per, size int, prefixes []string) lineCheck {
	var c lineCheck
	seen := make([][]bool, writers)
	for i := range seen {
		seen[i] = make([]bool, per)
	}
	body := size - 1
	for len(out) > 0 {
		line, rest, _ := strings.Cut(out, "\n")
		out = rest
		if !isPayload(line) {
			c.other++
			continue
		}
		if strings.HasSuffix(line, " END") {
			continue
		}
		if len(line) < body {
			c.torn++
			continue
		}
		prefix, payload := line[:len(line)-body], line[len(line)-body:]
		id, seq, ok := parseLine(payload, writers, per)
		if !ok || prefix != prefixes[id] {
			c.torn++
			continue
		}
		if seen[id][seq] {
			c.dup++
			continue
		}
		seen[id][seq] = true
		c.whole++
	}
	c.lost = writers*per - c.whole
	return c
}

func isPayload(line string) bool {
	return strings.Contains(line, "xxxx") || strings.HasSuffix(line, " END") || hasTag(line)
}

// hasTag reports a "wN " writer tag anywhere, e.g. a torn line's head.
func hasTag(line string) bool {
	for i := strings.IndexByte(line, 'w'); i >= 0 && i+2 < len(line); {
		if line[i+1] >= '0' && line[i+1] <= '9' && line[i+2] == ' ' {
			return true
		}
		j := strings.IndexByte(line[i+1:], 'w')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// parseLine reads "wID SEQ xxx...x" as logLine wrote it, without its newline.
func parseLine(payload string, writers, per int) (id, seq int, ok bool) {
	tag, rest, ok1 := strings.Cut(payload, " ")
	num, pad, ok2 := strings.Cut(rest, " ")
	if !ok1 || !ok2 || len(tag) < 2 || tag[0] != 'w' || len(num) != 8 || strings.Trim(pad, "x") != "" {
		return 0, 0, false
	}
	id, err1 := strconv.Atoi(tag[1:])
	seq, err2 := strconv.Atoi(num)
	if err1 != nil || err2 != nil || id < 0 || id >= writers || seq < 0 || seq >= per {
		return 0, 0, false
	}
	return id, seq, true
}

// passThroughNote marks the cells where the init never touches the bytes.
const passThroughNote = "tini and dumb-init never read the programs' output (the programs write to PID 1's own stdout, as with appstart and one program), so their distance from 1.00× is scheduling, not copying: for tini, this run's noise. dumb-init runs its child in a new session (setsid(2)), which under sched_autogroup gives the writer a CPU share of its own: a likely cause of its lower figures, not verified."

// copyNote says why prefixing falls behind writing directly when the
// programs write large blocks.
const copyNote = "appstart below 1.00× here is the copying: each byte is read from the program's pipe, copied once more behind its prefix and written to stdout, where writing directly copies it once; with two writers keeping both cores busy, appstart's CPU (the PID 1 CPU in the cell) comes out of the writers' time. Writing directly, the programs' 4 KiB writes tear lines (the lost/torn of tini and dumb-init); appstart tears none."

// spanRatios is direct's time over init's, round by round.
func spanRatios(direct, init []logRun) []float64 {
	var ratios []float64
	for i := range init {
		if i < len(direct) && direct[i].span > 0 && init[i].span > 0 {
			ratios = append(ratios, float64(direct[i].span)/float64(init[i].span))
		}
	}
	return ratios
}

// batchNote says why prefixing can beat writing directly, with the median
// number of reads of PID 1's stdout per run, direct then appstart.
const batchNote = "appstart above 1.00× is real, not a flaw of the baseline: writing directly, both programs share one pipe whose reader sleeps in read(2), so nearly every write wakes it (%s reads of PID 1's stdout per run, median) and the two writers contend for the pipe's lock; through appstart each program writes to a pipe of its own that nobody waits on while appstart lingers 1 ms between reads, and appstart hands the reader large batches of whole lines (%s reads per run). Any eager reader of a container's stdout (Docker's log copier) sees the same."

// logConfig is one log throughput setup: an init (or none) and 1 or 2 writers.
type logConfig struct {
	p       peer
	writers int
}

// logRun is one measured run.
type logRun struct {
	span  time.Duration
	check lineCheck
	reads int // read(2)s of the capture, for the progress lines
	// cpu is PID 1's CPU time from its exec to the last END's arrival (its
	// start-up included, the harness's setup not): an init's own cost of
	// forwarding, which load from elsewhere stretches far less than the
	// wall time. 0 when PID 1 had exited by then.
	cpu time.Duration
}

// logJob splits lines over the writers; appstart prefixes each program's
// lines with "NAME | " when it runs more than one.
func (b *bench) logJob(lc logConfig, mode string) (job, []string) {
	per := b.cfg.logLines / lc.writers
	j := job{oneShot: true}
	prefixes := make([]string, lc.writers)
	for i := 0; i < lc.writers; i++ {
		name := string(rune('a' + i))
		j.programs = append(j.programs, program{name: name,
			argv: helperArgv("lines", strconv.Itoa(i), strconv.Itoa(per), strconv.Itoa(b.cfg.logLineSize), mode)})
		if lc.p.kind == kindAppstart && lc.writers > 1 {
			prefixes[i] = name + " | "
		}
	}
	return j, prefixes
}

// logOnce runs one configuration with PID 1's stdout on a capture (see
// capture): the time runs from the first payload read to the read of the
// last writer's END marker, so each init's own start-up is not counted.
func (b *bench) logOnce(lc logConfig, mode string) (logRun, error) {
	j, prefixes := b.logJob(lc, mode)
	per := b.cfg.logLines / lc.writers
	expect := lc.writers * per * (b.cfg.logLineSize + len("a | "))
	c, err := newCapture(expect, lc.writers)
	if err != nil {
		return logRun{}, err
	}
	defer c.Close()
	o := lc.p.options(j, b.helper)
	o.Argv = captureArgv(o.Argv)
	o.Mounts = append(o.Mounts, harness.Mount{Source: c.path, Target: captureTarget, Writable: true})
	in, err := harness.Launch(o)
	if err != nil {
		return logRun{}, fmt.Errorf("cannot launch %s: %w", lc.p.kind, err)
	}
	defer in.Close()
	// Launch returns once setup.sh, the same process, is about to exec.
	setup, setupErr := b.proc.cpuTime(in.Pid1())
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var cpu time.Duration
	select {
	case <-c.done:
		if t, err := b.proc.cpuTime(in.Pid1()); err == nil && setupErr == nil {
			cpu = t - setup
		}
	case <-in.Done():
	case <-ctx.Done():
	}
	// An init that exits has written everything once PID 1 is gone;
	// supervisord never exits, and has written every END, the last line of
	// each writer. Either way the namespace dies with PID 1, and with it
	// every write end of the FIFO but the capture's own.
	if lc.p.kind != kindSupervisord {
		select {
		case <-in.Done():
		case <-ctx.Done():
		}
	}
	in.Close()
	out, err := c.finish(30 * time.Second)
	if err != nil {
		return logRun{}, err
	}
	r := logRun{check: checkLines(string(out), lc.writers, per, b.cfg.logLineSize, prefixes), reads: c.reads, cpu: cpu}
	span, ok := c.span()
	if !ok {
		return r, fmt.Errorf("cannot see the end of %d writers' output (%d lines lost)\nstderr: %s", lc.writers, r.check.lost, in.Stderr())
	}
	r.span = span
	return r, nil
}

// measureLogs runs every configuration -log-runs times, interleaved, per
// write mode, and compares each init's time with the programs writing
// straight to the same kind of stdout as PID 1 (with the same number of
// writers, sh -c running two).
func (b *bench) measureLogs(t *table) {
	for _, mode := range strings.Split(b.cfg.logModes, ",") {
		for _, writers := range []int{1, 2} {
			b.measureLogMode(t, mode, writers)
		}
	}
}

// measureLogMode runs rounds of every configuration, direct included, in
// a rotating order. The ratio is taken per round (direct time / init
// time, above 1 the init was faster), between runs seconds apart, so a
// load that comes and goes on the shared machine shifts both sides of a
// ratio alike; the cell gives the median ratio and the interquartile range
// of the rounds.
func (b *bench) measureLogMode(t *table, mode string, writers int) {
	configs := []logConfig{{p: peer{kind: kindDirect}, writers: writers}}
	cells := map[peerKind]string{}
	for _, p := range b.peers {
		if p.kind == kindGoFloor {
			cells[p.kind] = "n/a: no log handling"
			continue
		}
		if p.missing == "" {
			configs = append(configs, logConfig{p: p, writers: writers})
		}
	}
	// runs[k][i] is config k in round i; a failed run leaves a zero span.
	runs := make([][]logRun, len(configs))
	errs := make([]error, len(configs))
	for i := 0; i < b.cfg.logRuns; i++ {
		for n := range configs {
			k := (i + n) % len(configs) // rotate who goes first, as a load burst favours no one
			lc := configs[k]
			var r logRun
			if errs[k] == nil {
				var err error
				if r, err = b.logOnce(lc, mode); err != nil {
					errs[k] = err
				} else {
					cpu := "gone before it was read"
					if r.cpu > 0 {
						cpu = fmtDur(r.cpu)
					}
					b.progress("  round %d, %s: %s, PID 1 CPU %s, %d reads, %d not intact", i+1, lc.p.kind, fmtDur(r.span), cpu, r.reads, r.check.lost)
				}
			}
			runs[k] = append(runs[k], r)
		}
	}
	for k, lc := range configs[1:] {
		k++
		var cell string
		switch {
		case errs[k] != nil:
			cell = failed(errs[k])
		case errs[0] != nil:
			cell = failed(fmt.Errorf("cannot write directly: %w", errs[0]))
		default:
			cell = logCell(runs[0], runs[k])
		}
		if lc.p.kind == kindAppstart && writers > 1 && errs[k] == nil && errs[0] == nil {
			if medianF(spanRatios(runs[0], runs[k])) > 1 {
				cell += t.note(fmt.Sprintf(batchNote, fmtCount(medianReads(runs[0])), fmtCount(medianReads(runs[k]))))
			} else {
				cell += t.note(copyNote)
			}
		}
		if lc.p.kind == kindTini || lc.p.kind == kindDumbInit {
			cell += t.note(passThroughNote)
			if writers > 1 {
				cell += t.note(oneChildNote)
			}
		}
		cells[lc.p.kind] = cell
		b.progress("%s, %s writes, %d writer(s): %s", lc.p.kind, mode, writers, cell)
	}
	what := map[string]string{modeLine: "a write(2) per line", modeBlock: "4 KiB writes"}[mode]
	progs := "1 program (appstart: passthrough)"
	target := "—"
	if writers > 1 {
		progs = "2 programs (appstart: prefixed)"
		target = "appstart ≥ 0.95×, 0 lost or torn"
	}
	t.add(fmt.Sprintf("log throughput vs direct, %s, %s lines of %d B, %s; median of %d rounds' ratios [interquartile range] (median times), lines not intact summed over the rounds", progs, fmtCount(float64(b.cfg.logLines)), b.cfg.logLineSize, what, b.cfg.logRuns),
		target, cells)
}

// logCell is one init's figures against direct's, round by round.
//
// Example: direct 100, 100, 100 ms and the init 100, 125, 200 ms give
// "0.80× [0.65–0.90] (125 ms vs 100 ms), 0 lost/torn" (then ", PID 1 CPU
// 12 ms", the median, when it was read).
func logCell(direct, init []logRun) string {
	ratios := spanRatios(direct, init)
	var bad, mangled int
	for i := range init {
		bad += init[i].check.lost
		mangled += init[i].check.torn + init[i].check.dup
	}
	lo, hi := quartiles(ratios)
	cell := fmt.Sprintf("%s [%.2f–%.2f] (%s vs %s), %s lost/torn", fmtRatio(medianF(ratios)), lo, hi,
		fmtDur(medianSpan(init)), fmtDur(medianSpan(direct)), fmtCount(float64(bad)))
	var cpus []time.Duration
	for _, r := range init {
		if r.cpu > 0 {
			cpus = append(cpus, r.cpu)
		}
	}
	if len(cpus) > 0 {
		cell += ", PID 1 CPU " + fmtDur(median(cpus))
	}
	if mangled > 0 {
		cell += fmt.Sprintf(" (%s mangled lines)", fmtCount(float64(mangled)))
	}
	return cell
}

// quartiles returns the first and third quartiles of v, interpolated
// between ranks.
func quartiles(v []float64) (q1, q3 float64) {
	if len(v) == 0 {
		return 0, 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	at := func(p float64) float64 {
		pos := p * float64(len(s)-1)
		i := int(pos)
		if i+1 >= len(s) {
			return s[i]
		}
		return s[i] + (pos-float64(i))*(s[i+1]-s[i])
	}
	return at(0.25), at(0.75)
}

// cpuTime is the time pid has run: the sum of its live threads'
// schedstat (the first field, in nanoseconds), or, when more, its utime
// plus stime from /proc/PID/stat, which also counts threads that have
// ended and a zombie's, but in clock ticks (USER_HZ, 100 on Linux). An init
// that exits right after its last line is often a zombie by the time it is
// read.
func (p procFS) cpuTime(pid int) (time.Duration, error) {
	tasks, err := fs.ReadDir(p.fsys, fmt.Sprintf("%d/task", pid))
	if err != nil {
		return 0, fmt.Errorf("cannot list the threads of pid %d: %w", pid, err)
	}
	var live time.Duration
	for _, t := range tasks {
		data, err := fs.ReadFile(p.fsys, fmt.Sprintf("%d/task/%s/schedstat", pid, t.Name()))
		if err != nil {
			continue // the thread ended meanwhile
		}
		f := strings.Fields(string(data))
		if len(f) == 0 {
			continue
		}
		ns, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("cannot parse the schedstat of pid %d: %q", pid, data)
		}
		live += time.Duration(ns)
	}
	data, err := fs.ReadFile(p.fsys, fmt.Sprintf("%d/stat", pid))
	if err != nil {
		return live, nil // reaped meanwhile: the threads' sum is all there is
	}
	// utime and stime are fields 14 and 15, the 12th and 13th after the
	// comm, which may hold spaces: count from its last ')'.
	f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("cannot parse the stat of pid %d: %q", pid, data)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("cannot parse the stat of pid %d: %q", pid, data)
	}
	return max(live, time.Duration(ut+st)*10*time.Millisecond), nil
}

// medianReads is the median number of reads of PID 1's stdout per timed run.
func medianReads(rs []logRun) float64 {
	var v []float64
	for _, r := range rs {
		if r.span > 0 {
			v = append(v, float64(r.reads))
		}
	}
	return medianF(v)
}

// medianSpan is the median time of the runs that were timed.
func medianSpan(rs []logRun) time.Duration {
	var ds []time.Duration
	for _, r := range rs {
		if r.span > 0 {
			ds = append(ds, r.span)
		}
	}
	return median(ds)
}
