package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/control"
	"appstart/runtime/harness"
)

// Fault injection against the real binary as PID 1 (issue 9). Each test
// starts appstart with an idle "keeper" and the fault program "fault"
// (autostart = false), takes a baseline of appstart's own descriptors and
// goroutines from `status` (the "self" object), runs the fault, stops it
// through the control socket, proves appstart's fds and goroutines are
// back to the baseline, and ends with a SIGTERM that must give exit 0.
//
// status is asked from the host through /proc/PID1/root: a client inside
// the container would need a fork, and the fork bomb holds every pid.

// keeper forks nothing (a fork bomb must not take it down with EAGAIN)
// and dies of the SIGTERM of a requested stop.
const keeper = `user = "cloudron"
[programs.keeper]
command = ["sleep", "infinity"]
`

// fault is a started container with its control client and baseline.
type fault struct {
	t    *testing.T
	c    *harness.Container
	cl   *control.Client
	base control.SelfStatus
}

// startFault runs appstart over keeper + extra and waits until keeper is
// running (startsecs done), then takes the baseline.
func startFault(t *testing.T, extra string, mod func(*harness.Options)) *fault {
	t.Helper()
	f := &fault{t: t, c: container(t, keeper+extra, mod)}
	f.cl = dialHost(t, f.c)
	waitFor(t, "keeper running", 20*time.Second, func() (bool, string) {
		ps, _ := f.status()
		p := find(ps, "keeper")
		return p.State == "running", p.State
	})
	// The least of a few samples: a goroutine of the start that is still
	// ending must not raise the bar the fault is measured against.
	_, f.base = f.status()
	for range 4 {
		if _, s := f.status(); s.FDs < f.base.FDs || s.Goroutines < f.base.Goroutines {
			f.base.FDs, f.base.Goroutines = min(s.FDs, f.base.FDs), min(s.Goroutines, f.base.Goroutines)
		}
	}
	t.Logf("baseline: %+v", f.base)
	return f
}

// dialHost waits for the control socket and returns a client for it.
func dialHost(t *testing.T, c *harness.Container) *control.Client {
	t.Helper()
	path := c.HostPath(control.DefaultSocket)
	var cl *control.Client
	waitFor(t, "control socket "+path, 20*time.Second, func() (bool, string) {
		var err error
		cl, err = control.Dial(path)
		return err == nil, fmt.Sprint(err)
	})
	cl.Timeout = 20 * time.Second
	return cl
}

// status asks appstart for every program and its own facts; failing to
// answer fails the test.
func (f *fault) status() ([]control.ProgramStatus, control.SelfStatus) {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ps, err := f.cl.Status(ctx)
	if err != nil {
		f.t.Fatalf("status: %v\nstderr:\n%s", err, crashOrTail(f.c.Stderr()))
	}
	if len(ps) == 0 || ps[0].Self == nil {
		f.t.Fatalf("status has no self object: %+v", ps)
	}
	return ps, *ps[0].Self
}

func (f *fault) do(op string, fn func(context.Context, ...string) error, names ...string) {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := fn(ctx, names...); err != nil {
		f.t.Fatalf("%s %v: %v", op, names, err)
	}
}

func (f *fault) start(names ...string) { f.t.Helper(); f.do("start", f.cl.Start, names...) }

// stop stops the named programs and waits until none has a process.
func (f *fault) stop(names ...string) {
	f.t.Helper()
	f.do("stop", f.cl.Stop, names...)
	waitFor(f.t, fmt.Sprintf("%v stopped", names), 20*time.Second, func() (bool, string) {
		ps, _ := f.status()
		for _, p := range ps {
			if (slices.Contains(names, p.Name) || slices.Contains(names, p.Group)) && (p.State != "stopped" || p.Pid != 0) {
				return false, p.Name + " " + p.State
			}
		}
		return true, ""
	})
}

// backToBaseline waits until appstart's descriptors and goroutines are no
// more than before the fault: a leak per restart, pipe or connection shows
// here.
func (f *fault) backToBaseline() control.SelfStatus {
	f.t.Helper()
	var s control.SelfStatus
	waitFor(f.t, "fds and goroutines back to the baseline", 15*time.Second, func() (bool, string) {
		_, s = f.status()
		return s.FDs <= f.base.FDs && s.Goroutines <= f.base.Goroutines,
			fmt.Sprintf("now fds %d goroutines %d, baseline fds %d goroutines %d", s.FDs, s.Goroutines, f.base.FDs, f.base.Goroutines)
	})
	return s
}

// stopsCleanly sends SIGTERM to PID 1 and requires exit 0 without a Go
// runtime crash; it returns how long the stop took (a figure, not
// asserted).
func (f *fault) stopsCleanly() time.Duration {
	f.t.Helper()
	t0 := time.Now()
	f.c.Signal(syscall.SIGTERM)
	r := f.c.Wait(30 * time.Second)
	took := time.Since(t0)
	if r.ExitCode != 0 {
		f.t.Fatalf("exit %d after SIGTERM, want 0\nstderr:\n%s", r.ExitCode, tail(r.Stderr, 60))
	}
	noCrash(f.t, r.Stderr)
	return took
}

func noCrash(t *testing.T, stderr string) {
	t.Helper()
	for _, bad := range []string{"panic:", "fatal error:", "goroutine ", "internal error"} {
		if strings.Contains(stderr, bad) {
			t.Fatalf("appstart's stderr shows %q:\n%s", bad, tail(stderr, 80))
		}
	}
}

func find(ps []control.ProgramStatus, name string) control.ProgramStatus {
	for _, p := range ps {
		if p.Name == name {
			return p
		}
	}
	return control.ProgramStatus{Name: name, State: "absent"}
}

// waitFor polls cond until it holds or timeout passes; the second result
// says why not, for the failure message. A wait, not an assertion on time.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s: %s", what, timeout, why)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// crashOrTail shows the start of a Go runtime crash (its cause comes
// before a long goroutine dump), or else the end of stderr.
func crashOrTail(stderr string) string {
	for _, mark := range []string{"runtime: ", "fatal error:", "panic:"} {
		if i := strings.Index(stderr, mark); i >= 0 {
			head := strings.SplitN(stderr[i:], "\n", 12)
			return "appstart crashed:\n" + strings.Join(head[:min(len(head), 11)], "\n")
		}
	}
	return tail(stderr, 40)
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("[... %d lines]", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// cproc is one process of the container, from its own procfs.
type cproc struct {
	pid, ppid int
	comm      string
	state     byte
}

// procs lists the container's processes through PID 1's root (the
// container's /proc mount), from the host: no fork inside is needed.
func procs(t *testing.T, c *harness.Container) []cproc {
	t.Helper()
	dir := c.HostPath("/proc")
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("cannot list the container's processes: %v", err)
	}
	var out []cproc
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name(), "stat"))
		if err != nil {
			continue // ended and reaped meanwhile
		}
		// "pid (comm) S ppid ...": comm may hold spaces and parentheses.
		s := string(b)
		open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || close < open || close+4 > len(s) {
			continue
		}
		f := strings.Fields(s[close+2:])
		ppid, _ := strconv.Atoi(f[1])
		out = append(out, cproc{pid: pid, ppid: ppid, comm: s[open+1 : close], state: f[0][0]})
	}
	return out
}

func count(ps []cproc, keep func(cproc) bool) int {
	n := 0
	for _, p := range ps {
		if keep(p) {
			n++
		}
	}
	return n
}

func zombie(p cproc) bool { return p.state == 'Z' }

// procStatus returns the fields of /proc/PID/status of a container pid.
func procStatus(t *testing.T, c *harness.Container, pid int) map[string]string {
	t.Helper()
	b, err := os.ReadFile(c.HostPath(fmt.Sprintf("/proc/%d/status", pid)))
	if err != nil {
		t.Fatalf("cannot read the status of pid %d: %v", pid, err)
	}
	m := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			m[k] = strings.TrimSpace(v)
		}
	}
	return m
}

// `status --json` carries appstart's own facts once, at the top, and
// not inside a program: the instrument every fault test reads.
func TestStatusJSONSelf(t *testing.T) {
	c := container(t, keeper+"[programs.other]\ncommand = [\"sleep\", \"infinity\"]\n", nil)
	dialHost(t, c)
	r := c.Exec("/app/bin/appstart", "status", "--json")
	var doc struct {
		Self     map[string]float64 `json:"self"`
		Programs []map[string]any   `json:"programs"`
	}
	if r.ExitCode != 0 || json.Unmarshal([]byte(r.Stdout), &doc) != nil {
		t.Fatalf("status --json: exit %d %q %s", r.ExitCode, r.Stdout, r.Stderr)
	}
	if doc.Self["pid"] != 1 || len(doc.Programs) != 2 {
		t.Fatalf("self %v with %d programs, want pid 1 and 2 programs:\n%s", doc.Self, len(doc.Programs), r.Stdout)
	}
	for _, k := range []string{"goroutines", "fds", "threads", "vm_rss_kib"} {
		if doc.Self[k] < 1 {
			t.Errorf("self.%s = %v", k, doc.Self[k])
		}
	}
	for _, p := range doc.Programs {
		if _, ok := p["self"]; ok {
			t.Errorf("program %v carries self", p["name"])
		}
	}
	if r := c.Exec("/app/bin/appstart", "status"); strings.Contains(r.Stdout, "goroutines") || !strings.Contains(r.Stdout, "keeper") {
		t.Errorf("the table shows self or lacks keeper:\n%s", r.Stdout)
	}
	(&fault{t: t, c: c}).stopsCleanly()
}

// forkBomb forks until the pids cgroup refuses (EAGAIN), then keeps
// trying every 5 ms, forever; its children wait for a signal.
const forkBomb = `#!/usr/bin/python3
import os, signal, time
print("bomb up", flush=True)
forked, said = 0, False
while True:
    try:
        pid = os.fork()
    except OSError as e:
        if not said:
            print("bomb hit the limit after %d forks: %s" % (forked, e), flush=True)
            said = True
        time.sleep(0.005)
        continue
    if pid == 0:
        signal.pause()
        os._exit(0)
    forked += 1
`

// A program that forks without end, bounded by pids.max: appstart's own
// forks fail with EAGAIN meanwhile (a program started then cannot spawn),
// but appstart neither crashes nor stops answering, and once the bomb is
// stopped its whole process group is gone.
func TestFaultForkBomb(t *testing.T) {
	harness.RequireCommands(t, "python3")
	const limit = 64
	f := startFault(t, `
[programs.fault]
command = ["/app/pkg/bomb.py"]
autostart = false
[programs.spare]
command = ["sleep", "infinity"]
instances = 8
autostart = false
startretries = 1
on_fatal = "ignore"
`, func(o *harness.Options) {
		o.PidsLimit = limit
		o.Pkg["bomb.py"] = forkBomb
	})
	pidsDir := f.c.Cgroup().Pids
	if pidsDir == "" {
		t.Fatal("no pids cgroup")
	}
	// Tasks other than appstart's own threads (keeper's sleep), before.
	others := readInt(t, filepath.Join(pidsDir, "pids.current")) - f.base.Threads
	f.start("fault")
	f.c.WaitForOutput("bomb hit the limit", 30*time.Second)
	if cur := readInt(t, filepath.Join(pidsDir, "pids.current")); cur < limit-2 {
		t.Fatalf("pids.current = %d: the bomb does not hold the limit %d", cur, limit)
	}
	// appstart must fork now and cannot: each of spare's 8 instances
	// fails to start, is retried, gives up (on_fatal = "ignore"), and
	// nothing else happens. Each attempt also makes a log pipe whose
	// reader may need a thread the Go runtime cannot create (a crash, not
	// an error: "fatal error: newosproc"), so there are 5 rounds of it.
	for round := range 5 {
		f.start("spare")
		waitFor(t, fmt.Sprintf("spare gives up (round %d)", round+1), 20*time.Second, func() (bool, string) {
			ps, _ := f.status()
			for _, p := range ps {
				if p.Group == "spare" && p.State != "fatal" {
					return false, p.Name + " " + p.State
				}
			}
			return true, ""
		})
	}
	if !strings.Contains(f.c.Stderr(), "resource temporarily unavailable") {
		t.Errorf("no EAGAIN reported for spare:\n%s", tail(f.c.Stderr(), 30))
	}
	for range 20 { // keeps answering while the bomb keeps trying
		ps, _ := f.status()
		if p := find(ps, "fault"); (p.State != "running" && p.State != "starting") || p.Pid == 0 {
			t.Fatalf("fault is %s pid %d", p.State, p.Pid)
		}
	}
	f.stop("fault")
	waitFor(t, "the bomb's processes gone", 20*time.Second, func() (bool, string) {
		n := count(procs(t, f.c), func(p cproc) bool { return p.comm == "python3" || p.comm == "bomb.py" })
		_, self := f.status()
		cur := readInt(t, filepath.Join(pidsDir, "pids.current"))
		return n == 0 && cur-self.Threads <= others, fmt.Sprintf("%d bomb processes, pids.current %d with %d of appstart's threads, want %d others",
			n, cur, self.Threads, others)
	})
	f.backToBaseline()
	// And a SIGTERM while the bomb holds the limit again.
	f.start("fault")
	waitFor(t, "the bomb at the limit again", 30*time.Second, func() (bool, string) {
		n := strings.Count(f.c.Stdout(), "bomb hit the limit")
		return n >= 2, fmt.Sprintf("%d times", n)
	})
	f.stopsCleanly()
}

func readInt(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return n
}

// floodSpec: two programs, so every line is prefixed and goes through
// the sink.
const floodSpec = `
[programs.fault]
command = ["yes", "a line of output that floods appstart's log sink"]
autostart = false
`

// A program flooding stdout for a few seconds: status still answers (the
// round trip is measured and logged, not asserted), and SIGTERM during the
// flood stops everything with exit 0. appstart's stdout is /dev/null so
// the sink runs at full speed without the test keeping gigabytes.
func TestFaultStdoutFlood(t *testing.T) {
	f := startFault(t, floodSpec, func(o *harness.Options) {
		o.Argv = []string{"/bin/sh", "-c", "exec /app/bin/appstart >/dev/null"}
	})
	idle := f.roundTrips(200 * time.Millisecond)
	f.start("fault")
	pid := f.pidOf("fault")
	written := func() int64 { return ioField(t, f.c, pid, "wchar") }
	waitFor(t, "the flood under way", 10*time.Second, func() (bool, string) {
		return written() > 16<<20, fmt.Sprint(written())
	})
	w0, t0 := written(), time.Now()
	flood := f.roundTrips(3 * time.Second)
	mb := float64(written()-w0) / (1 << 20) / time.Since(t0).Seconds()
	t.Logf("status round trip idle: %s", idle)
	t.Logf("status round trip under flood (%.0f MiB/s through the sink): %s", mb, flood)
	f.stop("fault")
	f.backToBaseline()
	f.start("fault")
	pid = f.pidOf("fault")
	waitFor(t, "the flood under way again", 10*time.Second, func() (bool, string) {
		return written() > 16<<20, fmt.Sprint(written())
	})
	t.Logf("SIGTERM to exit during the flood: %s", f.stopsCleanly())
}

// roundTrips asks status for d and summarises the round trips.
func (f *fault) roundTrips(d time.Duration) rtt {
	var all []time.Duration
	for end := time.Now().Add(d); time.Now().Before(end) || len(all) < 5; {
		t0 := time.Now()
		f.status()
		all = append(all, time.Since(t0))
	}
	slices.Sort(all)
	return rtt{n: len(all), p50: all[len(all)/2], p99: all[len(all)*99/100], max: all[len(all)-1]}
}

type rtt struct {
	n             int
	p50, p99, max time.Duration
}

func (r rtt) String() string {
	return fmt.Sprintf("n=%d p50=%s p99=%s max=%s", r.n, r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), r.max.Round(time.Microsecond))
}

// pidOf waits until program name has a process and returns its pid.
func (f *fault) pidOf(name string) int {
	f.t.Helper()
	var pid int
	waitFor(f.t, name+" has a process", 20*time.Second, func() (bool, string) {
		ps, _ := f.status()
		p := find(ps, name)
		pid = p.Pid
		return pid > 0, p.State
	})
	return pid
}

// ioField reads one counter of /proc/PID/io of a container pid, 0 once it
// is gone.
func ioField(t *testing.T, c *harness.Container, pid int, field string) int64 {
	b, err := os.ReadFile(c.HostPath(fmt.Sprintf("/proc/%d/io", pid)))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+": "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}

// A program that closes its stdout, then its stderr, and keeps running:
// appstart takes the end of its output for nothing more than that (the
// program stays running with the same pid, later stderr lines still
// arrive), and it stops cleanly.
func TestFaultClosedStdout(t *testing.T) {
	f := startFault(t, `
[programs.fault]
command = "echo closing stdout; exec >&-; sleep 0.3; echo still here on stderr >&2; exec 2>&-; trap 'exit 0' TERM; while :; do sleep 0.1; done"
autostart = false
`, nil)
	f.start("fault")
	pid := f.pidOf("fault")
	f.c.WaitForOutput("fault | still here on stderr", 10*time.Second)
	// Barrier: both descriptors are closed in the program itself.
	waitFor(t, "fault's fds 1 and 2 closed", 10*time.Second, func() (bool, string) {
		fds := fdList(t, f.c, pid)
		return !slices.Contains(fds, 1) && !slices.Contains(fds, 2), fmt.Sprint(fds)
	})
	waitFor(t, "fault running past startsecs", 10*time.Second, func() (bool, string) {
		ps, _ := f.status()
		p := find(ps, "fault")
		return p.State == "running", p.State
	})
	for range 10 {
		ps, _ := f.status()
		if p := find(ps, "fault"); p.State != "running" || p.Pid != pid || p.Restarts != 0 {
			t.Fatalf("after closing its output fault is %+v, want running pid %d, no restart", p, pid)
		}
	}
	f.stop("fault")
	if !strings.Contains(f.c.Stderr(), "fault: stopped after") {
		t.Errorf("no orderly stop of fault:\n%s", tail(f.c.Stderr(), 20))
	}
	f.backToBaseline()
	f.stopsCleanly()
}

// fdList lists the open descriptors of a container pid.
func fdList(t *testing.T, c *harness.Container, pid int) []int {
	t.Helper()
	ents, err := os.ReadDir(c.HostPath(fmt.Sprintf("/proc/%d/fd", pid)))
	if err != nil {
		t.Fatalf("cannot list the fds of pid %d: %v", pid, err)
	}
	var fds []int
	for _, e := range ents {
		if n, err := strconv.Atoi(e.Name()); err == nil {
			fds = append(fds, n)
		}
	}
	slices.Sort(fds)
	return fds
}

// A program that re-parents 500 children to PID 1: each blocks reading a
// FIFO the test holds open, so all 500 end at once when the test closes
// it. Afterwards no zombie is left (counted in the container's /proc, with
// a negative control: a parent that never waits does leave one), the
// orphans are counted in status, and the time from the release to the
// last reap is logged.
func TestFaultReparentedChildren(t *testing.T) {
	const n = 500
	f := startFault(t, fmt.Sprintf(`
[programs.fault]
command = "i=0; while [ $i -lt %d ]; do (cat /tmp/release >/dev/null &); i=$((i+1)); done; echo forked; trap 'exit 0' TERM; while :; do sleep 0.1; done"
autostart = false
[programs.zombie]
command = "true & exec sleep infinity"
autostart = false
`, n), nil)

	// Negative control: sleep never waits for the child its shell left.
	f.start("zombie")
	waitFor(t, "the control's zombie", 10*time.Second, func() (bool, string) {
		z := count(procs(t, f.c), zombie)
		return z == 1, fmt.Sprintf("%d zombies", z)
	})
	f.stop("zombie")
	waitFor(t, "the control's zombie reaped", 10*time.Second, func() (bool, string) {
		z := count(procs(t, f.c), zombie)
		return z == 0, fmt.Sprintf("%d zombies", z)
	})

	fifo := f.c.HostPath("/tmp/release")
	if err := syscall.Mkfifo(fifo, 0o666); err != nil {
		t.Fatal(err)
	}
	// O_RDWR never blocks on a FIFO (fifo(7)) and keeps a writer, so every
	// cat blocks in read until this descriptor is closed.
	w, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	_, before := f.status()
	f.start("fault")
	isCat := func(p cproc) bool { return p.comm == "cat" }
	waitFor(t, fmt.Sprintf("%d orphans blocked", n), 60*time.Second, func() (bool, string) {
		ps := procs(t, f.c)
		cats := count(ps, func(p cproc) bool { return isCat(p) && p.ppid == 1 && p.state == 'S' })
		return cats == n, fmt.Sprintf("%d of %d cats are PID 1's", cats, n)
	})
	t0 := time.Now()
	w.Close()
	// PID 1's children (zombies included) fall back to keeper and fault's
	// shell once every orphan has ended and been reaped: the reaping ended
	// between the start of the last read that still saw one and the end of
	// the first that saw none (a few threads' files, well under 1 ms).
	// A busy loop, not waitFor: its pause would be the measurement.
	var dirty, clean time.Duration
	for {
		read := time.Since(t0)
		kids := children(t, f.c.Pid1())
		if kids <= 2 {
			clean = time.Since(t0)
			break
		}
		dirty = read
		if read > 20*time.Second {
			t.Fatalf("PID 1 still has %d children 20s after the release", kids)
		}
	}
	t.Logf("%d orphans ended and were reaped %s to %s after the release", n, dirty.Round(10*time.Microsecond), clean.Round(10*time.Microsecond))
	if ps := procs(t, f.c); count(ps, isCat)+count(ps, zombie) > 0 {
		t.Fatalf("%d cats and %d zombies left", count(ps, isCat), count(ps, zombie))
	}
	_, after := f.status()
	if got := after.OrphansReaped - before.OrphansReaped; got < n {
		t.Errorf("status counts %d orphans reaped, want >= %d (self: %+v)", got, n, after)
	}
	f.stop("fault")
	f.backToBaseline()
	f.stopsCleanly()
}

// children counts the children of a host pid, over all its threads
// (proc(5) /proc/PID/task/TID/children: an orphan goes to any live thread
// of the reaper).
func children(t *testing.T, pid int) int {
	t.Helper()
	files, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	if len(files) == 0 {
		t.Fatalf("no /proc/%d/task/*/children (CONFIG_PROC_CHILDREN)", pid)
	}
	n := 0
	for _, file := range files {
		b, _ := os.ReadFile(file) // a thread that ended meanwhile has none
		n += len(strings.Fields(string(b)))
	}
	return n
}

// A storm of 100 SIGTERMs in a burst: one orderly stop (each program is
// stopped once, the repeats are only logged), exit 0, no crash.
func TestFaultSIGTERMStorm(t *testing.T) {
	prog := func(name string) string {
		return fmt.Sprintf(`
[programs.%s]
command = "trap 'sleep 0.3; exit 0' TERM; echo %s up; while :; do sleep 0.05; done"
`, name, name)
	}
	c := container(t, `user = "cloudron"`+prog("a")+prog("b"), nil)
	c.WaitForOutput("a | a up", 10*time.Second)
	c.WaitForOutput("b | b up", 10*time.Second)
	t0 := time.Now()
	for range 100 {
		if err := syscall.Kill(c.Pid1(), syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
	}
	// A burst coalesces into one or two pending SIGTERMs (signal(7):
	// standard signals are not queued), so the storm goes on, one every
	// millisecond, for the whole stop.
	sent := 100
	for done := c.Instance().Done(); ; sent++ {
		select {
		case <-done:
		case <-time.After(time.Millisecond):
			syscall.Kill(c.Pid1(), syscall.SIGTERM)
			continue
		}
		break
	}
	took := time.Since(t0)
	r := c.Wait(30 * time.Second)
	if r.ExitCode != 0 {
		t.Fatalf("exit %d, want 0\n%s", r.ExitCode, tail(r.Stderr, 60))
	}
	noCrash(t, r.Stderr)
	for msg, want := range map[string]int{
		"stopping all programs (SIGTERM)": 1,
		"stopping a (SIGTERM":             1,
		"stopping b (SIGTERM":             1,
		"a: stopped after":                1,
		"b: stopped after":                1,
	} {
		if got := strings.Count(r.Stderr, msg); got != want {
			t.Errorf("%q %d times, want %d\n%s", msg, got, want, tail(r.Stderr, 40))
		}
	}
	repeats := strings.Count(r.Stderr, "SIGTERM again while stopping")
	if repeats == 0 {
		t.Errorf("no SIGTERM arrived during the stop: the storm tested nothing\n%s", r.Stderr)
	}
	t.Logf("%d SIGTERMs sent, %d arrived during the stop and were logged as repeats; stop took %s", sent, repeats, took)
}

// 1,000 restarts of a crashing program. The supervisor counts a run
// shorter than max(startsecs, 1s) as a failed start and backs off up to
// 30 s (supervise.minResetWindow, against supervisord's endless fast
// loop, Supervisor #1285), so 1,000 fast crashes are impossible by
// design. Instead 50 instances each crash (exit 1) after 1.05 s with
// autorestart = "always": every end is a restart after 100 ms, about 45
// restarts a second. After 1,000, appstart's fds and goroutines are back
// to the baseline once they are stopped.
func TestFaultThousandRestarts(t *testing.T) {
	const want = 1000
	f := startFault(t, `
[programs.crash]
command = "sleep 1.05; exit 1"
instances = 50
autorestart = "always"
autostart = false
`, nil)
	f.start("crash")
	total := 0
	waitFor(t, fmt.Sprintf("%d restarts", want), 120*time.Second, func() (bool, string) {
		ps, _ := f.status()
		total = 0
		for _, p := range ps {
			if p.Group == "crash" {
				total += p.Restarts
				if p.State == "fatal" {
					t.Fatalf("%s gave up: %+v", p.Name, p)
				}
			}
		}
		return total >= want, fmt.Sprintf("%d restarts", total)
	})
	_, during := f.status()
	t.Logf("after %d restarts: %+v", total, during)
	f.stop("crash")
	f.backToBaseline()
	f.stopsCleanly()
}

// A program allocating beyond the memory cgroup's limit (tail keeps a line
// of /dev/zero that never ends) is killed by the kernel; appstart survives,
// answers status and restarts it.
//
// appstart sets its own oom_score_adj to -999 at start, which needs
// CAP_SYS_RESOURCE (proc(5)). Docker's default capabilities, and this
// test's machine, may lack it: then the write fails, PID 1 stays at 0,
// and appstart survives only by being smaller than the program. With the
// capability, PID 1 must read -999 and a program must not inherit it
// (fork(2) copies oom_score_adj), or the programs too would be almost
// never chosen, in the container and on the host.
func TestFaultOOM(t *testing.T) {
	f := startFault(t, `
[programs.fault]
command = ["tail", "/dev/zero"]
autostart = false
startretries = 100
`, func(o *harness.Options) { o.MemoryLimit = 128 << 20 })
	pid1 := procStatus(t, f.c, 1)
	const capSysResource = 24 // capability.h
	capEff, _ := strconv.ParseUint(pid1["CapEff"], 16, 64)
	adj1 := readOOMScoreAdj(t, f.c, 1)
	kpid := find(programsOf(f.status()), "keeper").Pid
	switch canLower := capEff&(1<<capSysResource) != 0; {
	case canLower && adj1 != -999:
		t.Errorf("PID 1's oom_score_adj = %d with CAP_SYS_RESOURCE, want -999", adj1)
	case canLower && readOOMScoreAdj(t, f.c, kpid) != 0:
		t.Errorf("keeper inherited oom_score_adj %d from appstart, want 0", readOOMScoreAdj(t, f.c, kpid))
	case !canLower:
		t.Logf("no CAP_SYS_RESOURCE (CapEff %s): PID 1's oom_score_adj stays %d", pid1["CapEff"], adj1)
	}
	cg := f.c.Cgroup()
	kills := func() int { return oomKills(t, cg) }
	k0 := kills()
	f.start("fault")
	waitFor(t, "the kernel's OOM kill and a restart", 60*time.Second, func() (bool, string) {
		ps, _ := f.status()
		p := find(ps, "fault")
		return p.Restarts >= 1 && kills() > k0, fmt.Sprintf("%+v, oom kills %d", p, kills()-k0)
	})
	ps, self := f.status()
	p := find(ps, "fault")
	if self.Pid != 1 {
		t.Fatalf("self pid %d", self.Pid)
	}
	if !strings.Contains(p.LastExit, "SIGKILL") {
		t.Errorf("fault's last exit = %q, want a SIGKILL", p.LastExit)
	}
	t.Logf("fault: %d restarts, last %s; %d OOM kills; appstart VmRSS %d KiB", p.Restarts, p.LastExit, kills()-k0, self.VmRSSKiB)
	f.stop("fault")
	f.backToBaseline()
	f.stopsCleanly()
}

// oomKills reads the memory cgroup's count of OOM kills (v1
// memory.oom_control, v2 memory.events).
func oomKills(t *testing.T, cg harness.Cgroup) int {
	t.Helper()
	file := "memory.oom_control"
	if cg.Version == 2 {
		file = "memory.events"
	}
	b, err := os.ReadFile(filepath.Join(cg.Memory, file))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "oom_kill "); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	t.Fatalf("%s has no oom_kill line:\n%s", file, b)
	return 0
}

// readOOMScoreAdj reads /proc/PID/oom_score_adj of a container pid.
func readOOMScoreAdj(t *testing.T, c *harness.Container, pid int) int {
	t.Helper()
	return readInt(t, c.HostPath(fmt.Sprintf("/proc/%d/oom_score_adj", pid)))
}

func programsOf(ps []control.ProgramStatus, _ control.SelfStatus) []control.ProgramStatus { return ps }
