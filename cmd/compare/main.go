// Command compare measures appstart as PID 1 beside tini, dumb-init and
// supervisord (the Debian packages), in the same run, and prints one
// markdown table (issue 3 "Benchmarks", issue 9 "The comparison"). It is
// the second half of `make bench`:
//
//	make build && go run ./cmd/compare -bin bin/appstart
//	go run ./cmd/compare -bin bin/appstart -only rss,term   # a subset
//
// Every init runs as PID 1 of a harness container (runtime/harness: fresh
// PID, mount and network namespaces, read-only root, tmpfs /run and /tmp, a
// 256 MiB memory cgroup), the platform's real condition, and is observed
// from the host through /proc. The exception is start-to-exec latency,
// where building a harness root (~140 ms) would drown the few milliseconds
// measured: there each command runs under `unshare --pid --fork
// --mount-proc`, the setup of the figures quoted in issue 3.
//
// The programs the inits run are this executable itself (helper.go),
// mounted into each container. Progress goes to stderr, the table to
// stdout. Needs root, like every harness container.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"appstart/runtime/control"
	"appstart/runtime/harness"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == helperArg {
		os.Exit(runHelper(os.Args[2:]))
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// config holds the flags: every count and wait, so a quick run is one
// command line away.
type config struct {
	bin           string
	peers         string
	only          string
	settle        time.Duration
	latencyRuns   int
	termRuns      int
	slowRuns      int
	killRuns      int
	neverWait     time.Duration
	logLines      int
	logLineSize   int
	logRuns       int
	logModes      string
	orphans       int
	zombieWait    time.Duration
	zombieRuns    int
	chownTree     string
	chownRuns     int
	chownColdRuns int
}

// measures names the measurements, in table order.
var measures = []string{"rss", "latency", "term", "kill", "logs", "zombies", "chown", "size"}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.bin, "bin", "", "appstart binary (default: build one, as `make build` does)")
	fs.StringVar(&c.peers, "peers", "appstart,tini,dumb-init,supervisord,go-floor", "inits to measure")
	fs.StringVar(&c.only, "only", strings.Join(measures, ","), "measurements to run")
	fs.DurationVar(&c.settle, "settle", 3*time.Second, "idle time before reading RSS (past appstart's start: its programs are ready after startsecs, 1 s, and only then does it release its start-up code)")
	fs.IntVar(&c.latencyRuns, "latency-runs", 300, "start-to-exec runs per init (interleaved)")
	fs.IntVar(&c.termRuns, "term-runs", 10, "SIGTERM-to-exit runs per init")
	fs.IntVar(&c.slowRuns, "slow-runs", 3, "runs for supervisord where one run takes seconds")
	fs.IntVar(&c.killRuns, "kill-runs", 3, "runs of the SIGTERM-ignoring program per init that kills it")
	fs.DurationVar(&c.neverWait, "never-wait", 3*time.Second, "how long to wait for an init that never kills a SIGTERM-ignoring program")
	fs.IntVar(&c.logLines, "log-lines", 500000, "lines per log throughput run (50 MB at 100 B: each run lasts 0.1 to 0.5 s, long enough to time)")
	fs.IntVar(&c.logLineSize, "log-line-size", 100, "bytes per line, newline included")
	fs.IntVar(&c.logRuns, "log-runs", 9, "log throughput rounds, each running every configuration once (median and quartiles of the per-round ratios)")
	fs.StringVar(&c.logModes, "log-modes", modeLine+","+modeBlock, "writer modes: line (a write per line), 4k (4 KiB writes)")
	fs.IntVar(&c.orphans, "orphans", 10000, "orphans in the zombie test")
	fs.DurationVar(&c.zombieWait, "zombie-wait", 5*time.Second, "how long to wait for the last zombie to be reaped")
	fs.IntVar(&c.zombieRuns, "zombie-runs", 5, "orphan bursts per init (interleaved rounds, median)")
	fs.StringVar(&c.chownTree, "chown-tree", "/var/tmp/appstart-bench/chown100k", "the chown test's tree of 100,101 entries, on a real disk (built once, kept)")
	fs.IntVar(&c.chownRuns, "chown-runs", 9, "warm chown runs per command (interleaved)")
	fs.IntVar(&c.chownColdRuns, "chown-cold-runs", 7, "cold-cache chown runs per command (each drops the page cache of the whole machine)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() != 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if c.logLineSize < 24 {
		return c, fmt.Errorf("-log-line-size %d is too small: a line needs at least 24 bytes", c.logLineSize)
	}
	for _, m := range strings.Split(c.only, ",") {
		if !contains(measures, m) {
			return c, fmt.Errorf("unknown measurement %q (known: %s)", m, strings.Join(measures, ", "))
		}
	}
	for _, m := range strings.Split(c.logModes, ",") {
		if m != modeLine && m != modeBlock {
			return c, fmt.Errorf("unknown log mode %q (known: %s, %s)", m, modeLine, modeBlock)
		}
	}
	return c, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if err != nil {
		if err != flag.ErrHelp {
			fmt.Fprintln(stderr, "compare:", err)
		}
		return 2
	}
	kinds, err := parsePeers(c.peers)
	if err != nil {
		fmt.Fprintln(stderr, "compare:", err)
		return 2
	}
	if err := harness.Check(); err != nil {
		fmt.Fprintln(stderr, "compare: cannot run harness containers:", err)
		return 1
	}
	if c.bin == "" {
		if c.bin, err = harness.BuildBinary(); err != nil {
			fmt.Fprintln(stderr, "compare:", err)
			return 1
		}
	}
	helper, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, "compare: cannot find this executable to mount as the helper:", err)
		return 1
	}
	defer removeGoFloor()
	b := &bench{cfg: c, peers: findPeers(c.bin, kinds), helper: helper,
		proc: procFS{os.DirFS("/proc")}, log: stderr}
	start := time.Now()
	t := &table{peers: b.peers}
	for _, m := range measures {
		if !contains(strings.Split(c.only, ","), m) {
			continue
		}
		fmt.Fprintf(stderr, "compare: measuring %s... (%s so far)\n", m, time.Since(start).Round(time.Second))
		b.measure(m, t)
	}
	t.header = machineHeader(b.peers, time.Since(start))
	t.render(stdout)
	return 0
}

// bench is one comparison run: the flags, the inits found, and the helper
// executable to mount.
type bench struct {
	cfg    config
	peers  []peer
	helper string
	proc   procFS
	log    io.Writer
}

// leaveHostAsFound notes what a row's runs of appstart on the host (under
// unshare, on the host's own root) will leave there, and returns what
// removes it once the row is done: the specs' run locks in /run/appstart,
// and /app/data, which appstart makes when no volume is mounted. Call it
// while the specs exist (a lock's name comes from the path its spec
// resolves to) and before the first run.
func (b *bench) leaveHostAsFound(specs ...string) (clean func()) {
	h := harness.NewHostTraces("/app", "/app/data", control.DefaultDir)
	for _, s := range specs {
		h.Made(control.LockPath(control.DefaultDir, s))
	}
	return func() {
		if err := h.Clean(); err != nil {
			fmt.Fprintln(b.log, "compare: cannot remove what appstart left on the host:", err)
		}
	}
}

func (b *bench) measure(name string, t *table) {
	switch name {
	case "rss":
		b.measureRSS(t)
	case "latency":
		b.measureLatency(t)
	case "term":
		b.measureTerm(t)
	case "kill":
		b.measureKill(t)
	case "logs":
		b.measureLogs(t)
	case "zombies":
		b.measureZombies(t)
	case "chown":
		b.measureChown(t)
	case "size":
		b.measureSize(t)
	}
}

// launch starts j under p as PID 1 of a harness container.
func (b *bench) launch(p peer, j job, tee io.Writer) (*harness.Instance, error) {
	o := p.options(j, b.helper)
	o.Stdout = tee
	in, err := harness.Launch(o)
	if err != nil {
		return nil, fmt.Errorf("cannot launch %s: %w", p.kind, err)
	}
	return in, nil
}

// waitFor polls cond until it holds or the deadline passes. The driver
// observes other processes through /proc, which offers nothing to block on.
func waitFor(what string, timeout, every time.Duration, cond func() bool) error {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("cannot see %s within %v", what, timeout)
		}
		time.Sleep(every)
	}
	return nil
}

// waitForComm waits until n live processes named comm run below pid1.
func (b *bench) waitForComm(pid1 int, comm string, n int) error {
	return waitFor(fmt.Sprintf("%d %q processes", n, comm), 30*time.Second, time.Millisecond, func() bool {
		ps, err := b.proc.descendants(pid1)
		return err == nil && countComm(ps, comm) >= n
	})
}

func (b *bench) progress(format string, args ...any) {
	fmt.Fprintf(b.log, "compare:   "+format+"\n", args...)
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}
