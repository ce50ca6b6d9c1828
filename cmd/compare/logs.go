package main

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// endWatch is the live copy of a container's stdout during a log run: it
// stamps the first payload bytes and the arrival of every writer's END
// marker, so the time excludes each init's own start-up (supervisord's
// python start would otherwise count as log time). It must stay cheap:
// it runs in the goroutine that drains the pipe.
type endWatch struct {
	mu    sync.Mutex
	want  int
	seen  int
	tail  []byte // the last len(endMarker)-1 bytes so far, for a marker split across writes
	first time.Time
	last  time.Time
	done  chan struct{}
}

var (
	endMarker  = []byte(" END\n")
	padPattern = []byte("xxxxxxxx")
)

func newEndWatch(writers int) *endWatch {
	return &endWatch{want: writers, done: make(chan struct{})}
}

func (e *endWatch) Write(p []byte) (int, error) {
	now := time.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.first.IsZero() && bytes.Contains(p, padPattern) {
		e.first = now
	}
	// A marker split across writes lies in tail+head; neither alone is
	// long enough to hold a whole one, so nothing is counted twice.
	head := p[:min(len(p), len(endMarker)-1)]
	n := bytes.Count(append(e.tail, head...), endMarker) + bytes.Count(p, endMarker)
	e.tail = append(e.tail, p[max(0, len(p)-(len(endMarker)-1)):]...)
	e.tail = e.tail[max(0, len(e.tail)-(len(endMarker)-1)):] // the stream's last bytes, however small the writes
	if n > 0 && e.seen < e.want {
		e.seen += n
		if e.seen >= e.want {
			e.last = now
			close(e.done)
		}
	}
	return len(p), nil
}

// span is the time from the first payload to the last END marker.
func (e *endWatch) span() (time.Duration, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.seen < e.want || e.first.IsZero() {
		return 0, false
	}
	return e.last.Sub(e.first), true
}

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

// logConfig is one log throughput setup: an init (or none) and 1 or 2 writers.
type logConfig struct {
	p       peer
	writers int
}

// logRun is one measured run.
type logRun struct {
	span  time.Duration
	check lineCheck
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

func (b *bench) logOnce(lc logConfig, mode string) (logRun, error) {
	j, prefixes := b.logJob(lc, mode)
	watch := newEndWatch(lc.writers)
	in, err := b.launch(lc.p, j, watch)
	if err != nil {
		return logRun{}, err
	}
	defer in.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	select {
	case <-watch.done:
	case <-in.Done():
	case <-ctx.Done():
	}
	// An init that exits has flushed everything once PID 1 is gone (the
	// harness's Done waits for the pipes to drain); supervisord never exits
	// and has written every END, the last line of each writer.
	if lc.p.kind != kindSupervisord {
		select {
		case <-in.Done():
		case <-ctx.Done():
		}
	}
	per := b.cfg.logLines / lc.writers
	r := logRun{check: checkLines(in.Stdout(), lc.writers, per, b.cfg.logLineSize, prefixes)}
	span, ok := watch.span()
	if !ok {
		return r, fmt.Errorf("cannot see the end of %d writers' output (%d lines lost)", lc.writers, r.check.lost)
	}
	r.span = span
	return r, nil
}

// measureLogs runs every configuration -log-runs times, interleaved, per
// write mode, and compares each init's median time with the program
// writing straight to the same pipe as PID 1 (with the same number of
// writers, sh -c running two).
func (b *bench) measureLogs(t *table) {
	for _, mode := range strings.Split(b.cfg.logModes, ",") {
		for _, writers := range []int{1, 2} {
			b.measureLogMode(t, mode, writers)
		}
	}
}

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
	runs := make([][]logRun, len(configs))
	errs := make([]error, len(configs))
	for i := 0; i < b.cfg.logRuns; i++ {
		for n := range configs {
			k := (i + n) % len(configs) // rotate who goes first, as a load burst favours no one
			lc := configs[k]
			if errs[k] != nil {
				continue
			}
			r, err := b.logOnce(lc, mode)
			if err != nil {
				errs[k] = err
				continue
			}
			runs[k] = append(runs[k], r)
		}
	}
	var base time.Duration
	if errs[0] == nil {
		base = medianSpan(runs[0])
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
			m := medianSpan(runs[k])
			var bad, mangled int
			for _, r := range runs[k] {
				bad += r.check.lost
				mangled += r.check.torn + r.check.dup
			}
			cell = fmt.Sprintf("%s (%s vs %s), %s lost/torn", fmtRatio(float64(base)/float64(m)), fmtDur(m), fmtDur(base), fmtCount(float64(bad)))
			if mangled > 0 {
				cell += fmt.Sprintf(" (%s mangled lines)", fmtCount(float64(mangled)))
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
	t.add(fmt.Sprintf("log throughput vs direct, %s, %s lines of %d B, %s; median of %d runs, lines not intact summed over them", progs, fmtCount(float64(b.cfg.logLines)), b.cfg.logLineSize, what, b.cfg.logRuns),
		target, cells)
}

func medianSpan(rs []logRun) time.Duration {
	ds := make([]time.Duration, len(rs))
	for i, r := range rs {
		ds[i] = r.span
	}
	return median(ds)
}
